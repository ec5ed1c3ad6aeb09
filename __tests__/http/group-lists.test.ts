/**
 * Group lists over HTTP, the same on the memory, SQLite and PostgreSQL stores (issue 13):
 * - `sortBy` on `members` is 400 invalidValue everywhere (memory answered 200, SQL 400);
 * - a list page is written group by group, so a page of large groups is never held whole
 *   (`count=1000` over groups of 10k members built everything, then failed with a 500
 *   `RangeError: Invalid string length`);
 * - `excludedAttributes=members` reads no member at all.
 * Data is seeded in bulk through the store; what is observed is the store calls and the bytes
 * the router writes, never time.
 */
import express from "express";
import request from "supertest";
import { memoryStore, ALL_SCOPES, type Store, type StoreContext } from "../../lib";
import { faultyStore, type FaultyStore } from "../../lib/testing";
import { sqliteStore, type SqliteStore } from "../../lib/stores/sqlite";
import { describePostgres, testSchema } from "../stores/postgres-helpers";
import { GROUP_SCHEMA, expectScimError } from "../helpers/fixtures";
import { checkedScim } from "../helpers/openapi-contract";

const TOKEN = "group-lists-token-with-every-scope-01";
const ctx: StoreContext = { tenant: "default" };

interface Rig {
  store: FaultyStore;
  app: express.Express;
  /** Everything the router wrote to the response bodies so far. */
  written: () => string;
  get(path: string): request.Test;
  post(path: string, body: unknown): request.Test;
}

/** `store` as a host's own store without the batch reads: the service asks group by group. */
function singleForm(store: Store): Store {
  const { groupsOfMany: _g, membersOfMany: _m, ...groups } = store.groups;
  return { ...store, groups };
}

function rig(inner: Store, logged: unknown[] = []): Rig {
  const store = faultyStore(inner);
  const app = express();
  let written = "";
  // Sees each body write as it leaves the router.
  app.use((_req, res, next) => {
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => typeof res;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      written += String(chunk);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk === "string" || Buffer.isBuffer(chunk)) written += String(chunk);
      return end(chunk, ...rest);
    }) as typeof res.end;
    next();
  });
  app.use(
    "/scim/v2",
    ...checkedScim({
      store,
      tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }],
      rateLimit: false,
      logger: { error: (obj) => logged.push(obj) },
    }),
  );
  const auth = (t: request.Test) => t.set("Authorization", `Bearer ${TOKEN}`);
  return {
    store,
    app,
    written: () => written,
    get: (p) => auth(request(app).get(`/scim/v2${p}`)),
    post: (p, body) =>
      auth(request(app).post(`/scim/v2${p}`))
        .set("Content-Type", "application/scim+json")
        .send(JSON.stringify(body)),
  };
}

/** `groups` groups, each holding the same `members` users, created through the store in one transaction. */
function seed(store: Store, groups: number, members: number, label: string): Promise<string[]> {
  return store.transaction
    ? store.transaction((tx) => seedIn(tx, groups, members, label))
    : seedIn(store, groups, members, label);
}

async function seedIn(store: Store, groups: number, members: number, label: string): Promise<string[]> {
  const users = [];
  for (let i = 0; i < members; i++) {
    const n = String(i).padStart(6, "0");
    users.push(
      await store.users.create(ctx, {
        userName: `${label}-user-${n}@example.com`,
        displayName: `Member number ${n} of the ${label} directory`,
      }),
    );
  }
  const list = users.map((u) => ({ value: u.id, type: "User" as const }));
  const ids = [];
  for (let g = 0; g < groups; g++)
    ids.push((await store.groups.create(ctx, { displayName: `${label} group ${g}` }, { members: list })).id);
  return ids;
}

const memberReads = (store: FaultyStore) =>
  store.calls.filter(
    (c) => c.resource === "groups" && c.method === "get" && (c.args[2] as { members?: boolean } | undefined)?.members,
  );

function groupListSuite(
  name: string,
  makeStore: () => Store,
  closeStore: (store: Store) => Promise<void> | void = () => {},
) {
  describe(name, () => {
    let inner: Store;
    beforeEach(() => {
      inner = makeStore();
    });
    afterEach(() => closeStore(inner));

    test.each(["members", "members.value", "members.display", "Members.Type", `${GROUP_SCHEMA}:members.value`])(
      "sortBy=%s is 400 invalidValue (GET and .search)",
      async (sortBy) => {
        const r = rig(inner);
        await seed(r.store, 2, 2, "sort");
        const got = await r.get(`/Groups?sortBy=${encodeURIComponent(sortBy)}`);
        expectScimError(got, 400, "invalidValue");
        expect(got.body.detail).toMatch(/members/);
        expectScimError(await r.post("/Groups/.search", { sortBy, sortOrder: "descending" }), 400, "invalidValue");
      },
    );

    test("sortBy=groups on Users is 400 invalidValue, like Group members", async () => {
      const r = rig(inner);
      expectScimError(await r.get("/Users?sortBy=groups.display"), 400, "invalidValue");
    });

    test("without batch reads, a page of large groups is written group by group, each before the next group's members are read", async () => {
      const r = rig(singleForm(inner));
      const groups = await seed(r.store, 6, 600, "page");
      r.store.reset();
      const writtenAtRead: number[] = [];
      r.store.setPlan({
        onCall: (call) => {
          if (call.method !== "get" || call.resource !== "groups") return;
          const text = r.written();
          writtenAtRead.push(groups.filter((id) => text.includes(`"id":"${id}"`)).length);
        },
      });
      const res = await r.get("/Groups?startIndex=1&count=1000").expect(200);
      expect(res.body.totalResults).toBe(6);
      expect(res.body.itemsPerPage).toBe(6);
      expect(res.body.Resources.map((g: { id: string }) => g.id).sort()).toEqual([...groups].sort());
      for (const g of res.body.Resources) expect(g.members).toHaveLength(600);
      // The k-th member read (k from 0) happens once the groups before it have gone out.
      expect(writtenAtRead).toHaveLength(6);
      for (const [k, written] of writtenAtRead.entries()) expect(written).toBeGreaterThanOrEqual(k - 1);
      expect(JSON.parse(r.written())).toEqual(res.body);
    }, 60_000);

    test("without batch reads, a store failure before the first write is a 500; after it, the connection is cut", async () => {
      const logged: unknown[] = [];
      const r = rig(singleForm(inner), logged);
      await seed(r.store, 4, 600, "fail");
      const failOnRead = (nth: number) => {
        let reads = 0;
        r.store.setPlan({ failAt: (call) => call.resource === "groups" && call.method === "get" && ++reads === nth });
      };
      failOnRead(1);
      expectScimError(await r.get("/Groups?count=10"), 500);
      failOnRead(3);
      await expect(r.get("/Groups?count=10")).rejects.toThrow(/aborted|hang up|ECONNRESET/);
      expect(logged).toHaveLength(2);
      r.store.setPlan({});
      expect((await r.get("/Groups?count=10").expect(200)).body.Resources).toHaveLength(4);
    }, 60_000);

    test("count=1000 over 120 groups answers 200 with every group and its members, as valid JSON", async () => {
      const r = rig(inner);
      const groups = await seed(r.store, 120, 20, "many");
      const res = await r.get("/Groups?count=1000").expect(200);
      expect(res.headers["content-type"]).toBe("application/scim+json; charset=utf-8");
      expect(res.body).toMatchObject({ totalResults: 120, startIndex: 1, itemsPerPage: 120 });
      expect(res.body.Resources.map((g: { id: string }) => g.id).sort()).toEqual([...groups].sort());
      expect(res.body.Resources.every((g: { members: unknown[] }) => g.members.length === 20)).toBe(true);
      const search = await r.post("/Groups/.search", { count: 1000, startIndex: 101 }).expect(200);
      expect(search.body).toMatchObject({ totalResults: 120, startIndex: 101, itemsPerPage: 20 });
    }, 60_000);

    test("excludedAttributes=members (and attributes without members) read no member", async () => {
      const r = rig(inner);
      await seed(r.store, 5, 30, "cheap");
      r.store.reset();
      const res = await r.get("/Groups?excludedAttributes=members&count=100").expect(200);
      expect(res.body.Resources).toHaveLength(5);
      for (const g of res.body.Resources) expect(g.members).toBeUndefined();
      await r.post("/Groups/.search", { attributes: ["displayName"] }).expect(200);
      await r.get("/Groups?filter=displayName%20eq%20%22cheap%20group%201%22&excludedAttributes=members").expect(200);
      expect(memberReads(r.store)).toEqual([]);
      expect(r.store.calls.filter((c) => c.method === "groupsOf")).toEqual([]);
    });

    test("an empty page is the same envelope as before", async () => {
      const r = rig(inner);
      const res = await r.get("/Groups?filter=displayName%20eq%20%22nobody%22").expect(200);
      expect(res.text).toBe(
        '{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}',
      );
      expect(res.headers["content-length"]).toBe(String(res.text.length));
    });
  });
}

groupListSuite("memory store", () => memoryStore());

groupListSuite(
  "sqlite store",
  () => sqliteStore({ filename: ":memory:", migrate: true }),
  (store) => (store as SqliteStore).close(),
);

const db = testSchema("scim_group_lists");
describePostgres("postgres store", () => {
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());
  // One schema for the file: each test starts from an empty tenant.
  groupListSuite(
    "postgres",
    () => db.store(),
    async () => {
      await db
        .pool()
        .query(
          `DELETE FROM "${db.schema}".memberships; DELETE FROM "${db.schema}".groups; DELETE FROM "${db.schema}".users`,
        );
    },
  );
});
