/**
 * The work budget (issue 13): a list or search is priced before any store runs it, and one
 * that would scan too much is 400 tooMany naming `limits.queryBudget`. What Okta, Entra and
 * OneLogin send stays within the default budget even over 100,000 records.
 */
import { memoryStore, type Store } from "../../lib";
import { sqliteStore } from "../../lib/stores/sqlite";
import { createGroup, createUser, host, type TestHost } from "./app";
import { expectScimError } from "../helpers/fixtures";

const terms = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i)).join(" or ");
const emailsCo = (n: number) => terms(n, (i) => `emails.value co "${i}"`);
const list = (h: TestHost, resource: string, filter: string, more = "") =>
  h.get(`/${resource}?filter=${encodeURIComponent(filter)}${more}`);

/** A store priced like the SQL ones (a record read costs 1) that says it holds `records` records per kind. */
function sized(records: number): Store {
  const store = memoryStore();
  const indexed = store.costs!.indexed;
  store.costs = { indexed, size: async () => records };
  return store;
}

/** `sized`, without an index on e-mail addresses (a host's own store, say): matches on them are scans. */
function sizedWithoutEmailIndex(records: number): Store {
  const store = sized(records);
  const indexed = store.costs!.indexed;
  store.costs = {
    ...store.costs!,
    indexed: (kind) => indexed(kind).filter((i) => i.path.join(".") !== "emails.value"),
  };
  return store;
}

describe("filters that would scan too much are refused before they run", () => {
  test.each([
    ["256 emails.value co terms (the issue's 8.6 s on SQLite)", emailsCo(256)],
    ["32 emails.value co terms", emailsCo(32)],
    ["128 substring terms on single-valued attributes", terms(128, (i) => `name.familyName co "${i}"`)],
  ])("GET /Users with %s is 400 tooMany naming the limit", async (_name, filter) => {
    const res = await list(host(), "Users", filter);
    expectScimError(res, 400, "tooMany");
    expect(res.body.detail).toContain("limits.queryBudget");
  });

  test("POST /Users/.search and /Groups are priced the same way", async () => {
    const h = host();
    const search = await h.post("/Users/.search", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
      filter: emailsCo(256),
    });
    expectScimError(search, 400, "tooMany");
    expect(search.body.detail).toContain("limits.queryBudget");
    expectScimError(
      await list(
        h,
        "Groups",
        terms(64, (i) => `members.value eq "m${i}"`),
      ),
      400,
      "tooMany",
    );
  });

  test("a refused query never reaches the store", async () => {
    const store = memoryStore();
    const query = jest.spyOn(store.users, "query");
    const h = host({ store });
    expectScimError(await list(h, "Users", emailsCo(256)), 400, "tooMany");
    expect(query).not.toHaveBeenCalled();
  });

  test("the SQLite store is guarded by the same budget (it blocks the event loop while it scans)", async () => {
    const store = sqliteStore({ filename: ":memory:", migrate: true });
    try {
      const h = host({ store });
      await createUser(h, "ada@example.com");
      expectScimError(await list(h, "Users", emailsCo(256)), 400, "tooMany");
      const ok = await list(h, "Users", 'emails[type eq "work"].value eq "ada@example.com"').expect(200);
      expect(ok.body.totalResults).toBe(1);
    } finally {
      await store.close();
    }
  });

  test("a larger directory gets less work per record: the same filter fits 10,000 records and not 1,000,000", async () => {
    const filter = emailsCo(2);
    await list(host({ store: sized(10_000) }), "Users", filter).expect(200);
    expectScimError(await list(host({ store: sized(1_000_000) }), "Users", filter), 400, "tooMany");
  });

  test("a sort is work too: sorting 1,000,000 records is refused, 50,000 by userName is not", async () => {
    expectScimError(await host({ store: sized(1_000_000) }).get("/Users?sortBy=userName"), 400, "tooMany");
    await host({ store: sized(50_000) })
      .get("/Users?sortBy=userName&count=1")
      .expect(200);
  });
});

describe("what identity providers send stays within the default budget", () => {
  // clients.md, the replays in __tests__/http/replay-*.test.ts, and OneLogin's lookups.
  const userLookups = [
    'userName eq "ada@example.com"', // Okta, Entra, OneLogin: lookup before create
    'externalId eq "00u1abc"', // Entra matching on objectId
    'id eq "2819c223-7f76-453a-919d-413861904646"', // Okta spec test
    'userName eq "ada@example.com" and active eq true',
    // Equality matches no index narrows: a 400 would fail provisioning, so they are admitted at any size.
    'emails[type eq "work"].value eq "ada@example.com"', // Entra matching on mail
    'emails.value eq "ada@example.com"', // OneLogin matching on email
  ];
  const userScans = [
    'userName sw "a" or userName sw "b"', // the lists replay
    'meta.lastModified gt "2024-01-01T00:00:00Z"', // incremental imports
  ];
  const groupLookups = [
    'displayName eq "Sales"', // Okta, Entra, OneLogin
    'externalId eq "00g1abc"',
    'id eq "g1" and members[value eq "u1"]', // Entra: is this user a member?
    'members.value eq "u1"', // Okta Governance, AWS: the groups of a user
  ];
  const groupScans = ['members.value ne "u1"'];

  test.each(userLookups)("/Users?filter=%s over 100,000,000 users", async (filter) => {
    await list(host({ store: sized(100_000_000) }), "Users", filter, "&startIndex=1&count=100").expect(200);
  });

  test.each(groupLookups)("/Groups?filter=%s over 100,000,000 groups", async (filter) => {
    await list(host({ store: sized(100_000_000) }), "Groups", filter, "&excludedAttributes=members").expect(200);
  });

  test.each(userScans)("/Users?filter=%s over 25,000 users", async (filter) => {
    await list(host({ store: sized(25_000) }), "Users", filter, "&startIndex=1&count=100").expect(200);
  });

  test.each(groupScans)("/Groups?filter=%s over 25,000 groups", async (filter) => {
    await list(host({ store: sized(25_000) }), "Groups", filter, "&excludedAttributes=members").expect(200);
  });

  test("only identity matches are exempt: another attribute, a fourth term, a substring or an or over 1,000,000 users is priced", async () => {
    const h = host({ store: sizedWithoutEmailIndex(1_000_000) });
    for (const filter of [
      'name.familyName eq "Lovelace"',
      "active eq false",
      'emails.value eq "a" and emails.value eq "b" and emails.value eq "c" and emails.value eq "d"',
      'emails.value co "ada"',
      'emails.value eq "a" or emails.value eq "b"',
    ]) {
      expectScimError(await list(h, "Users", filter), 400, "tooMany");
    }
  });

  test("where e-mail addresses are indexed (every shipped store), matches on them are lookups at any size", async () => {
    const h = host({ store: sized(1_000_000) });
    for (const filter of [
      'emails.value eq "a" and emails.value eq "b" and emails.value eq "c" and emails.value eq "d"',
      'emails.value eq "a" or emails.value eq "b"',
    ]) {
      await list(h, "Users", filter).expect(200);
    }
    expectScimError(await list(h, "Users", 'emails.value co "ada"'), 400, "tooMany");
  });

  test("a host store that declares no costs (priced as 10,000 records, indexed by id only) takes them all", async () => {
    const plain = memoryStore();
    delete plain.costs;
    const h = host({ store: plain });
    for (const filter of [...userLookups, ...userScans]) await list(h, "Users", filter).expect(200);
    for (const filter of [...groupLookups, ...groupScans]) await list(h, "Groups", filter).expect(200);
  });

  test("lookups an index answers are free, however large the directory", async () => {
    const h = host({ store: sized(100_000_000) });
    const id = await createUser(h, "ada@example.com");
    const found = await list(
      h,
      "Users",
      `userName eq "ADA@example.com" or externalId eq "00u15abc" or id eq "${id}"`,
    ).expect(200);
    expect(found.body.totalResults).toBe(1);
    await createGroup(h, "Sales", [id]);
    await list(h, "Groups", 'displayName eq "Sales"').expect(200);
  });
});

describe("limits.queryBudget", () => {
  test("is configurable: a larger budget admits what the default refuses", async () => {
    await list(host({ limits: { queryBudget: 1e12 } }), "Users", emailsCo(256)).expect(200);
  });

  test.each([0, -1, 1.5, Number.NaN, "big"])("is checked at start-up (%p is a TypeError)", (value) => {
    expect(() => host({ limits: { queryBudget: value as number } })).toThrow(/limits\.queryBudget/);
  });
});
