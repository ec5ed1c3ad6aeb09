/**
 * Searching from the service root (RFC 7644 3.4.2, 3.4.3): `GET /?filter=...` and
 * `POST /.search` list Users and Groups together, against a real listening server on every store
 * (memory here; SQLite and PostgreSQL under jest.replay.config.js). The data set is this file's
 * own, so the expected orders are written out by hand.
 */
import { expectList, filterQuery, liveServer, type Exchange, type LiveServer } from "./app";
import { GROUP_SCHEMA, TOKEN, USER_SCHEMA, expectScimError } from "../helpers/fixtures";

const USERS_ONLY = "root-search-users-only-token-0001";
const GROUPS_ONLY = "root-search-groups-only-token-001";
const WRITE_ONLY = "root-search-write-only-token-0001";
const SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

let server: LiveServer;
/** Display name (or userName for the user without one) -> id. */
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await liveServer({
    tokens: [
      { token: TOKEN, scopes: ["get:users", "get:groups", "post:users", "post:groups"] },
      { token: USERS_ONLY, scopes: ["get:users"] },
      { token: GROUPS_ONLY, scopes: ["get:groups"] },
      { token: WRITE_ONLY, scopes: ["post:users", "post:groups"] },
    ],
    limits: { maxCount: 50, defaultCount: 20 },
    rateLimit: false,
  });
  // Created in this order; creation order is each type's own list order.
  for (const [userName, displayName] of [
    ["delta@x.com", "Delta"],
    ["alpha@x.com", "Alpha"],
    ["golf.user@x.com", "Golf"],
    ["foxtrot@x.com", "Foxtrot"],
    ["nameless@x.com", undefined],
  ] as const) {
    const x = await server.call("POST", "/Users", {
      body: { schemas: [USER_SCHEMA], userName, ...(displayName ? { displayName } : {}) },
    });
    expect(x.status).toBe(201);
    ids[displayName ?? userName] = x.body.id;
  }
  for (const displayName of ["Echo", "Bravo", "Golf", "Charlie"]) {
    const members = displayName === "Bravo" ? [{ value: ids.Alpha }] : [];
    const x = await server.call("POST", "/Groups", { body: { schemas: [GROUP_SCHEMA], displayName, members } });
    expect(x.status).toBe(201);
    ids[`${displayName} group`] = x.body.id;
  }
});
afterAll(() => server.close());

/** Each resource as "Name" (users) or "Name group", in the order answered. */
const names = (x: Exchange) =>
  x.body.Resources.map((r: { id: string }) => Object.keys(ids).find((k) => ids[k] === r.id) ?? `unknown ${r.id}`);
const USERS = ["Delta", "Alpha", "Golf", "Foxtrot", "nameless@x.com"];
const GROUPS = ["Echo group", "Bravo group", "Golf group", "Charlie group"];

describe("GET / and POST /.search list every resource type", () => {
  test("no filter: every user, then every group, each with its schemas and meta.resourceType", async () => {
    for (const x of [
      await server.call("GET", "/"),
      await server.call("GET", "/?startIndex=1&count=20"),
      await server.call("POST", "/.search", { body: { schemas: [SEARCH_REQUEST] } }),
    ]) {
      expectList(x, 9);
      expect(names(x)).toEqual([...USERS, ...GROUPS]);
      for (const r of x.body.Resources) {
        const group = GROUPS.includes(names({ ...x, body: { Resources: [r] } })[0]);
        expect(r.schemas).toEqual([group ? GROUP_SCHEMA : USER_SCHEMA]);
        expect(r.meta).toMatchObject({
          resourceType: group ? "Group" : "User",
          location: expect.stringContaining(group ? "/Groups/" : "/Users/"),
        });
      }
    }
  });

  test("a filter on a common attribute matches both types; one on a type's own attribute only that type", async () => {
    const common = await server.call("GET", `/?${filterQuery('displayName eq "golf"')}`);
    expectList(common, 2);
    expect(names(common)).toEqual(["Golf", "Golf group"]);
    // The mount point itself, without the trailing slash, is the root too.
    expect(names(await server.call("GET", `?${filterQuery('displayName eq "golf"')}`))).toEqual(["Golf", "Golf group"]);
    const users = await server.call("POST", "/.search", {
      body: { schemas: [SEARCH_REQUEST], filter: 'userName sw "g" or displayName eq "Echo"' },
    });
    expect(names(users)).toEqual(["Golf", "Echo group"]);
    const members = await server.call("GET", `/?${filterQuery(`members.value eq "${ids.Alpha}"`)}`);
    expect(names(members)).toEqual(["Bravo group"]);
    expect(names(await server.call("GET", `/?${filterQuery(`schemas eq "${GROUP_SCHEMA}"`)}`))).toEqual(GROUPS);
    expect(
      names(
        await server.call("GET", `/?${filterQuery(`id eq "${`${ids.Charlie}x`}" or id eq "${ids["Charlie group"]}"`)}`),
      ),
    ).toEqual(["Charlie group"]);
  });

  test("an attribute a type does not define is unassigned there (RFC 7644 3.4.2.2): not, ne and pr read it so", async () => {
    expect(names(await server.call("GET", `/?${filterQuery("not (userName pr)")}`))).toEqual(GROUPS);
    expect(names(await server.call("GET", `/?${filterQuery("userName pr and displayName pr")}`))).toEqual([
      "Delta",
      "Alpha",
      "Golf",
      "Foxtrot",
    ]);
    expect(
      names(await server.call("GET", `/?${filterQuery('userName ne "alpha@x.com" and not (displayName pr)')}`)),
    ).toEqual(["nameless@x.com"]);
    expect(names(await server.call("GET", `/?${filterQuery('members pr or userName eq "delta@x.com"')}`))).toEqual([
      "Delta",
      "Bravo group",
    ]);
  });

  test("an attribute no type defines is 400 invalidFilter; a bad comparison on a known attribute stays a 400", async () => {
    expectScimError(await server.call("GET", `/?${filterQuery('nickNamez eq "x"')}`), 400, "invalidFilter");
    expectScimError(
      await server.call("POST", "/.search", { body: { filter: 'displayName eq "x" or frobnicate pr' } }),
      400,
      "invalidFilter",
    );
    expectScimError(await server.call("GET", `/?${filterQuery("active gt true")}`), 400, "invalidFilter");
    expectScimError(await server.call("GET", `/?${filterQuery('displayName eq "unterminated')}`), 400, "invalidFilter");
  });

  test("attributes and excludedAttributes apply per type; names a type lacks are ignored there", async () => {
    const x = await server.call("POST", "/.search", {
      body: { filter: 'displayName eq "Golf"', attributes: ["userName", "displayName"] },
    });
    expect(x.body.Resources).toEqual([
      { schemas: [USER_SCHEMA], id: ids.Golf, userName: "golf.user@x.com", displayName: "Golf" },
      { schemas: [GROUP_SCHEMA], id: ids["Golf group"], displayName: "Golf" },
    ]);
    const y = await server.call("GET", `/?${filterQuery('displayName eq "Bravo"')}&excludedAttributes=members,meta`);
    expect(y.body.Resources).toEqual([{ schemas: [GROUP_SCHEMA], id: ids["Bravo group"], displayName: "Bravo" }]);
  });
});

describe("sorting and paging across the union", () => {
  const ASCENDING = [
    "Alpha",
    "Bravo group",
    "Charlie group",
    "Delta",
    "Echo group",
    "Foxtrot",
    "Golf",
    "Golf group",
    "nameless@x.com",
  ];

  test("sortBy a common attribute merges the types; ties go Users first; missing values last (first when descending)", async () => {
    expect(names(await server.call("GET", "/?sortBy=displayName"))).toEqual(ASCENDING);
    const down = await server.call("POST", "/.search", { body: { sortBy: "displayName", sortOrder: "descending" } });
    expectList(down, 9);
    expect(names(down)).toEqual([
      "nameless@x.com",
      "Golf",
      "Golf group",
      "Foxtrot",
      "Echo group",
      "Delta",
      "Charlie group",
      "Bravo group",
      "Alpha",
    ]);
  });

  test("sortBy an attribute of one type: the other type has it missing everywhere, and keeps its own order", async () => {
    expect(names(await server.call("GET", "/?sortBy=userName"))).toEqual([
      "Alpha",
      "Delta",
      "Foxtrot",
      "Golf",
      "nameless@x.com",
      ...GROUPS,
    ]);
    expect(names(await server.call("GET", "/?sortBy=userName&sortOrder=descending"))).toEqual([
      ...GROUPS,
      "nameless@x.com",
      "Golf",
      "Foxtrot",
      "Delta",
      "Alpha",
    ]);
    expectScimError(await server.call("GET", "/?sortBy=nickNamez"), 400, "invalidValue");
    expectScimError(await server.call("GET", "/?sortBy=displayName&sortOrder=sideways"), 400, "invalidValue");
  });

  test("pages are slices of one order, sorted or not; totalResults counts both types; count=0 gives the total only", async () => {
    for (const sort of ["", "&sortBy=displayName", "&sortBy=userName&sortOrder=descending"]) {
      const whole = names(await server.call("GET", `/?count=50${sort}`));
      const paged: string[] = [];
      for (let start = 1; start <= 9; start += 2) {
        const x = await server.call("GET", `/?startIndex=${start}&count=2${sort}`);
        expectList(x, 9);
        expect(x.body.startIndex).toBe(start);
        paged.push(...names(x));
      }
      expect(paged).toEqual(whole);
      const none = await server.call("GET", `/?count=0${sort}`);
      expectList(none, 9);
      expect(none.body.Resources).toEqual([]);
    }
    const filtered = await server.call(
      "GET",
      `/?${filterQuery('displayName sw "g" or userName sw "a"')}&startIndex=2&count=1`,
    );
    expectList(filtered, 3);
    expect(names(filtered)).toEqual(["Golf"]);
  });

  test("a sorted search reaches at most maxCount results deep: beyond, 400 tooMany; unsorted pages go on", async () => {
    expectScimError(await server.call("GET", "/?sortBy=displayName&startIndex=48&count=5"), 400, "tooMany");
    const unsorted = await server.call("GET", "/?startIndex=48&count=5");
    expectList(unsorted, 9);
    expect(unsorted.body.Resources).toEqual([]);
  });
});

describe("scopes: a token sees only the types its get: scopes allow", () => {
  test("get:users alone sees users; get:groups alone sees groups; neither is 403; no token is 401", async () => {
    const users = await server.call("GET", `/?${filterQuery('displayName eq "Golf"')}`, { token: USERS_ONLY });
    expectList(users, 1);
    expect(names(users)).toEqual(["Golf"]);
    const groups = await server.call("POST", "/.search", { token: GROUPS_ONLY, body: { sortBy: "userName" } });
    expectList(groups, 4);
    expect(names(groups)).toEqual(GROUPS);
    // A filter on members alone still works for a users-only token: it just matches nothing it may see.
    expectList(
      await server.call("GET", `/?${filterQuery(`members.value eq "${ids.Alpha}"`)}`, { token: USERS_ONLY }),
      0,
    );
    const refused = await server.call("GET", "/", { token: WRITE_ONLY });
    expectScimError(refused, 403);
    expect(refused.headers.get("www-authenticate")).toContain("insufficient_scope");
    expectScimError(await server.call("POST", "/.search", { token: WRITE_ONLY, body: {} }), 403);
    // A request's errors do not depend on which types the token may read.
    expectScimError(
      await server.call("GET", `/?${filterQuery("active gt true")}`, { token: GROUPS_ONLY }),
      400,
      "invalidFilter",
    );
    expectScimError(await server.call("GET", "/", { token: null }), 401);
  });
});

describe("methods", () => {
  test("other methods at / and /.search are 405 with Allow; a bad SearchRequest body is 400", async () => {
    const put = await server.call("PUT", "/", { body: {} });
    expectScimError(put, 405);
    expect(put.headers.get("allow")).toBe("GET, HEAD");
    const get = await server.call("GET", "/.search");
    expectScimError(get, 405);
    expect(get.headers.get("allow")).toBe("POST");
    expectScimError(await server.call("POST", "/.search", { body: ["not", "an", "object"] }), 400, "invalidSyntax");
  });
});
