/**
 * GET /Groups/{id} of a large group over HTTP, on the memory, SQLite and PostgreSQL stores (issue 17):
 * - the member list is read from the store in chunks and written as it is read, byte for byte
 *   the body of a whole-list read (a store without `membersPage`);
 * - `excludedAttributes=members`, or `attributes` without members, reads no member at all;
 * - `membersCount`/`membersCursor` page the member list, with a `Link: rel="next"` header;
 * - a store failure before the first write is a 500, after it the connection is cut.
 * What is observed is store calls and bytes, never time.
 */
import express from "express";
import request from "supertest";
import { memoryStore, ALL_SCOPES, type Store, type StoreContext } from "../../lib";
import { faultyStore, type FaultyStore } from "../../lib/testing";
import { sqliteStore, type SqliteStore } from "../../lib/stores/sqlite";
import { describePostgres, testSchema } from "../stores/postgres-helpers";
import { expectScimError } from "../helpers/fixtures";
import { checkedScim } from "../helpers/openapi-contract";

const TOKEN = "group-read-token-with-every-scope-0001";
const ctx: StoreContext = { tenant: "default" };
/** With the group member, 2,151 members: three store chunks (1,000, 1,000, 151). */
const MEMBERS = 2150;

interface Rig {
  store: FaultyStore;
  /** How many times the router wrote to a response body (write and end). */
  writes: () => number;
  get(path: string): request.Test;
  send(method: "post" | "put", path: string, body: unknown): request.Test;
}

function rig(inner: Store, logged: unknown[] = []): Rig {
  const store = faultyStore(inner);
  const app = express();
  let writes = 0;
  app.use((_req, res, next) => {
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    res.write = ((...a: unknown[]) => {
      writes++;
      return write(...a);
    }) as typeof res.write;
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
  return {
    store,
    writes: () => writes,
    // One Host for every rig, so two rigs render the same `$ref`s.
    get: (p) => request(app).get(`/scim/v2${p}`).set("Host", "scim.example").set("Authorization", `Bearer ${TOKEN}`),
    send: (method, p, body) =>
      request(app)
        [method](`/scim/v2${p}`)
        .set("Authorization", `Bearer ${TOKEN}`)
        .set("Content-Type", "application/scim+json")
        .send(JSON.stringify(body)),
  };
}

/** The same store without `membersPage`: what a host store without it gets, and what GET answered before. */
function wholeListStore(inner: Store): Store {
  const { membersPage: _, ...groups } = inner.groups;
  return { ...inner, groups };
}

/** One group of `members` users (and one group member), created through the store in one transaction. */
function seed(store: Store, members: number, label: string): Promise<string> {
  const run = async (tx: Store) => {
    const list = [];
    for (let i = 0; i < members; i++) {
      const n = String(i).padStart(6, "0");
      const user = await tx.users.create(ctx, { userName: `${label}-${n}@example.com`, displayName: `User ${n}` });
      list.push({ value: user.id, type: "User" as const });
    }
    const inner = await tx.groups.create(ctx, { displayName: `${label} inner` });
    list.push({ value: inner.id, type: "Group" as const });
    return (await tx.groups.create(ctx, { displayName: `${label} group` }, { members: list })).id;
  };
  return store.transaction ? store.transaction(run) : run(store);
}

const memberCalls = (store: FaultyStore) =>
  store.calls.filter(
    (c) =>
      c.resource === "groups" &&
      (c.method === "membersPage" || (c.method === "get" && (c.args[2] as { members?: boolean })?.members)),
  );

const nextLink = (res: request.Response): string | undefined =>
  /^<([^>]+)>; rel="next"$/.exec(res.headers.link ?? "")?.[1];

function groupReadSuite(name: string, makeStore: () => Store, closeStore: (store: Store) => unknown = () => {}) {
  describe(name, () => {
    let inner: Store;
    beforeEach(() => {
      inner = makeStore();
    });
    afterEach(() => closeStore(inner));

    test("a large group is read in member chunks and written as read, byte for byte the whole-list body", async () => {
      const r = rig(inner);
      const id = await seed(r.store, MEMBERS, "stream");
      const whole = rig(wholeListStore(inner));
      for (const query of ["", "?attributes=members.value", "?excludedAttributes=members.display,meta"]) {
        r.store.reset();
        const res = await r.get(`/Groups/${id}${query}`).expect(200);
        const chunks = r.store.calls.filter((c) => c.method === "membersPage");
        expect(chunks.map((c) => (c.args[2] as { count: number }).count)).toEqual([1000, 1000, 1000]);
        expect(memberCalls(r.store)).toEqual(chunks);
        const old = await whole.get(`/Groups/${id}${query}`).expect(200);
        // Compared as a boolean: a failing 400 KB string comparison would print both bodies.
        expect(res.text.length).toBe(old.text.length);
        expect(res.text === old.text).toBe(true);
        expect(res.headers.etag).toBe(old.headers.etag);
        expect(res.body.members).toHaveLength(MEMBERS + 1);
      }
      expect(r.writes()).toBeGreaterThan(3);
      // Nothing but the whole-list read in the old path.
      expect(whole.store.calls.filter((c) => c.method === "membersPage")).toEqual([]);
    }, 120_000);

    test("excludedAttributes=members (and attributes without members) read no member, at 10 or 2,150 members", async () => {
      const r = rig(inner);
      const small = await seed(r.store, 10, "small");
      const big = await seed(r.store, MEMBERS, "big");
      const shapes = [];
      for (const id of [small, big]) {
        for (const query of ["?excludedAttributes=members", "?attributes=displayName", "?attributes=meta.version"]) {
          r.store.reset();
          const res = await r.get(`/Groups/${id}${query}&membersCount=5`).expect(200);
          expect(res.body.members).toBeUndefined();
          expect(memberCalls(r.store)).toEqual([]);
          shapes.push(r.store.calls.map((c) => `${c.resource}.${c.method}`).join(","));
        }
      }
      expect(shapes.slice(3)).toEqual(shapes.slice(0, 3));
    }, 120_000);

    test("membersCount and membersCursor page the member list; Link rel=next leads to each next page", async () => {
      for (const store of [inner, wholeListStore(inner)]) {
        const r = rig(store);
        const id = await seed(r.store, 25, `page${store === inner ? "d" : "w"}`);
        const all = (await r.get(`/Groups/${id}`).expect(200)).body.members;
        const pages = [];
        let path: string | undefined = `/Groups/${id}?attributes=members.value&membersCount=10`;
        while (path) {
          const res = await r.get(path).expect(200);
          pages.push(res.body.members);
          expect(Object.keys(res.body)).toEqual(["schemas", "id", "members"]);
          const next = nextLink(res);
          path = next?.replace(/^http:\/\/scim\.example\/scim\/v2/, "");
          if (next) expect(next).toMatch(/attributes=members\.value&membersCount=10&membersCursor=/);
        }
        expect(pages.map((p) => p.length)).toEqual([10, 10, 6]);
        expect(pages.flat()).toEqual(all.map((m: { value: string }) => ({ value: m.value })));
      }
    }, 60_000);

    test("a bad membersCount or membersCursor is 400 invalidValue", async () => {
      const r = rig(inner);
      const id = await seed(r.store, 3, "bad");
      expectScimError(await r.get(`/Groups/${id}?membersCount=ten`), 400, "invalidValue");
      expectScimError(await r.get(`/Groups/${id}?membersCursor=%25%25`), 400, "invalidValue");
      expectScimError(await r.get(`/Groups/${id}?membersCursor=`), 400, "invalidValue");
      const first = await r.get(`/Groups/${id}?membersCount=1`).expect(200);
      expect(first.body.members).toHaveLength(1);
      // A cursor read back is accepted whatever the case of the parameter name.
      const cursor = new URL(nextLink(first)!).searchParams.get("membersCursor");
      const second = await r.get(`/Groups/${id}?MEMBERSCOUNT=1&memberscursor=${cursor}`).expect(200);
      expect(second.body.members[0].value > first.body.members[0].value).toBe(true);
    });

    test("POST and PUT answer with the member list by default (Okta), and without reading it when excluded", async () => {
      const r = rig(inner);
      const users: string[] = [];
      for (const n of [1, 2, 3]) users.push((await r.store.users.create(ctx, { userName: `w${n}@example.com` })).id);
      const body = (name: string) => ({
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        displayName: name,
        members: users.map((value) => ({ value })),
      });
      const created = await r.send("post", "/Groups", body("Written")).expect(201);
      expect(created.body.members.map((m: { value: string }) => m.value).sort()).toEqual([...users].sort());
      const id = created.body.id;
      for (const [method, path] of [
        ["post", "/Groups?excludedAttributes=members"],
        ["put", `/Groups/${id}?excludedAttributes=members`],
        ["put", `/Groups/${id}?attributes=displayName`],
      ] as const) {
        r.store.reset();
        const res = await r
          .send(method, path, body(method === "post" ? "Written too" : "Written"))
          .expect(method === "post" ? 201 : 200);
        expect(res.body.members).toBeUndefined();
        expect(res.body.displayName).toMatch(/^Written/);
        // A PUT reads the old list to tell who left (events); nothing is read to answer.
        const reads = memberCalls(r.store).filter((c) => !c.inTransaction);
        expect(reads).toEqual([]);
      }
      const put = await r.send("put", `/Groups/${id}?attributes=members.value`, body("Written")).expect(200);
      expect(Object.keys(put.body)).toEqual(["schemas", "id", "members"]);
    });

    test("a store failure before the first write is a 500; after it, the connection is cut, never a short 200", async () => {
      const logged: unknown[] = [];
      const r = rig(inner, logged);
      const id = await seed(r.store, MEMBERS, "fail");
      const failOnChunk = (nth: number) => {
        let reads = 0;
        r.store.setPlan({ failAt: (call) => call.method === "membersPage" && ++reads === nth });
      };
      failOnChunk(1);
      expectScimError(await r.get(`/Groups/${id}`), 500);
      failOnChunk(2);
      await expect(r.get(`/Groups/${id}`)).rejects.toThrow(/aborted|hang up|ECONNRESET/);
      expect(logged).toHaveLength(2);
      r.store.setPlan({});
      expect((await r.get(`/Groups/${id}`).expect(200)).body.members).toHaveLength(MEMBERS + 1);
    }, 120_000);
  });
}

groupReadSuite("memory store", () => memoryStore());

groupReadSuite(
  "sqlite store",
  () => sqliteStore({ filename: ":memory:", migrate: true }),
  (store) => (store as SqliteStore).close(),
);

const db = testSchema("scim_group_read");
describePostgres("postgres store", () => {
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());
  groupReadSuite(
    "postgres",
    () => db.store(),
    () =>
      db
        .pool()
        .query(
          `DELETE FROM "${db.schema}".memberships; DELETE FROM "${db.schema}".groups; DELETE FROM "${db.schema}".users`,
        ),
  );
});
