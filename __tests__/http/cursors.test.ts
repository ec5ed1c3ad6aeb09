/**
 * Issue 17: RFC 9865 cursor pagination over HTTP, on every store (memory, SQLite, PostgreSQL,
 * and a host store that cannot seek). A walk by cursor returns every resource that existed
 * throughout exactly once, in the list's order, while other requests insert and delete between
 * pages; cursors are opaque, signed and bound to their query, tenant and lifetime.
 */
import { ALL_SCOPES, memoryStore, type Store } from "../../lib";
import { sqliteStore } from "../../lib/stores/sqlite";
import { describePostgres, testSchema } from "../stores/postgres-helpers";
import { host, type TestHost } from "./app";
import { GROUP_SCHEMA, USER_SCHEMA, TOKEN } from "../helpers/fixtures";

const ctx = { tenant: "default" };
const SEEDED = 130;
const PAGE = 25;

/** A memory store that declares no keyset: cursors must still work, by offset. */
function withoutKeyset(): Store {
  const store = memoryStore();
  store.costs = { ...store.costs!, keyset: false };
  return store;
}

async function seed(store: Store, n: number): Promise<string[]> {
  const ids: string[] = [];
  // userNames in an order unlike insertion order, so a sort by userName is not insertion order.
  for (let i = 0; i < n; i++) {
    const userName = `u${String((i * 37) % n).padStart(4, "0")}@example.com`;
    ids.push((await store.users.create(ctx, { userName, displayName: `User ${i}` })).id);
  }
  return ids;
}

interface Walk {
  ids: string[];
  userNames: string[];
  pages: number;
}

/** Follows nextCursor to the end; `between` runs after each page (other clients' writes). */
async function walk(
  h: TestHost,
  query: string,
  between: (page: number, seen: string[]) => Promise<void> = async () => {},
) {
  const out: Walk = { ids: [], userNames: [], pages: 0 };
  let cursor = "";
  for (;;) {
    const res = await h.get(`/Users?${query}&count=${PAGE}&cursor=${encodeURIComponent(cursor)}`).expect(200);
    expect(res.body.startIndex).toBeUndefined();
    expect(res.body.itemsPerPage).toBe(res.body.Resources.length);
    expect(typeof res.body.totalResults).toBe("number");
    out.ids.push(...res.body.Resources.map((r: { id: string }) => r.id));
    out.userNames.push(...res.body.Resources.map((r: { userName: string }) => r.userName));
    out.pages++;
    if (!res.body.nextCursor) return out;
    expect(res.body.Resources).toHaveLength(PAGE);
    cursor = res.body.nextCursor;
    await between(out.pages, out.ids);
  }
}

/**
 * `seeks`: the store declares keyset; one that does not pages by offset, which (like startIndex)
 * can skip or repeat a row when rows before the page are deleted or added.
 */
function cursorSuite(
  name: string,
  makeStore: () => Store | Promise<Store>,
  { seeks = true, after }: { seeks?: boolean; after?: () => Promise<void> } = {},
) {
  describe(name, () => {
    let h: TestHost;
    let ids: string[];
    beforeEach(async () => {
      h = host({ store: await makeStore() });
      ids = await seed(h.store, SEEDED);
    });
    if (after) afterEach(after);

    (seeks ? test : test.skip)(
      "a walk returns every user once, in order, while users are added and deleted between pages",
      async () => {
        const deleted = new Set<string>();
        const unseen = new Set<string>();
        const added: string[] = [];
        const result = await walk(h, "", async (page, seen) => {
          // One not yet listed and one already listed go; a new one arrives.
          const ahead = ids.filter((id) => !seen.includes(id) && !deleted.has(id))[3];
          const behind = seen[seen.length - 2]!;
          if (!ahead) return;
          for (const id of [ahead, behind]) {
            await h.delete(`/Users/${id}`).expect(204);
            deleted.add(id);
          }
          unseen.add(ahead);
          const res = await h
            .post("/Users", { schemas: [USER_SCHEMA], userName: `new${page}@example.com` })
            .expect(201);
          added.push(res.body.id);
        });
        expect(new Set(result.ids).size).toBe(result.ids.length);
        for (const id of ids) if (!deleted.has(id)) expect(result.ids).toContain(id);
        for (const id of unseen) expect(result.ids).not.toContain(id);
        // Unsorted lists are in insertion order, and what arrived during the walk comes last.
        const positions = result.ids.map((id) => (ids.includes(id) ? ids.indexOf(id) : SEEDED + added.indexOf(id)));
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
        expect(result.ids.slice(-added.length)).toEqual(added);
      },
    );

    test("sortBy=userName, both directions, with writes between pages", async () => {
      for (const order of ["ascending", "descending"]) {
        const renamed: string[] = [];
        const result = await walk(h, `sortBy=userName&sortOrder=${order}`, async (page) => {
          // A write that moves nothing in the order: a display name change.
          const id = ids[page]!;
          await h.patch(`/Users/${id}`, {
            schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            Operations: [{ op: "replace", path: "displayName", value: `moved ${page}` }],
          });
          renamed.push(id);
        });
        const expected = [...result.userNames].sort();
        if (order === "descending") expected.reverse();
        expect(result.userNames).toEqual(expected);
        expect(new Set(result.ids)).toEqual(new Set(ids));
        expect(result.ids).toHaveLength(SEEDED);
      }
    });

    test("ties and missing values: a walk gives the order index paging gives, both directions", async () => {
      for (let i = 0; i < 40; i++) {
        const title = ["b", "A", "c", undefined][i % 4];
        await h.store.users.create(ctx, { userName: `tie${i}`, ...(title ? { title } : {}) });
      }
      for (const order of ["ascending", "descending"]) {
        const query = `sortBy=title&sortOrder=${order}`;
        const indexed = await h.get(`/Users?${query}&count=1000`).expect(200);
        const result = await walk(h, query);
        expect(result.ids).toEqual(indexed.body.Resources.map((r: { id: string }) => r.id));
      }
    });

    test("a filtered walk (userName sw) returns exactly the matches", async () => {
      const result = await walk(h, `filter=${encodeURIComponent('userName sw "u00"')}&sortBy=meta.lastModified`);
      const all = await h.get("/Users?count=1000").expect(200);
      const matches = all.body.Resources.filter((r: { userName: string }) => r.userName.startsWith("u00"));
      expect(new Set(result.ids)).toEqual(new Set(matches.map((r: { id: string }) => r.id)));
      expect(result.ids).toHaveLength(matches.length);
    });

    test("POST .search pages by the body's cursor; the last page has no nextCursor", async () => {
      const seen: string[] = [];
      let cursor: string | undefined = "";
      while (cursor !== undefined) {
        const res: { body: { Resources: { id: string }[]; nextCursor?: string; totalResults: number } } = await h
          .post("/Users/.search", {
            schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            cursor,
            count: 50,
          })
          .expect(200);
        expect(res.body.totalResults).toBe(SEEDED);
        seen.push(...res.body.Resources.map((r) => r.id));
        cursor = res.body.nextCursor;
      }
      expect(seen).toEqual(ids);
    });

    test("Groups page by cursor too", async () => {
      const groups: string[] = [];
      for (let i = 0; i < 7; i++)
        groups.push(
          (await h.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: `g${6 - i}` }).expect(201)).body.id,
        );
      const seen: string[] = [];
      let cursor = "";
      for (;;) {
        const res = await h.get(`/Groups?sortBy=displayName&count=3&cursor=${cursor}`).expect(200);
        seen.push(...res.body.Resources.map((r: { displayName: string }) => r.displayName));
        if (!res.body.nextCursor) break;
        cursor = res.body.nextCursor;
      }
      expect(seen).toEqual(["g0", "g1", "g2", "g3", "g4", "g5", "g6"]);
    });

    test("a tampered cursor, or one replayed with another filter or sort, is 400 invalidCursor", async () => {
      const first = await h.get(`/Users?filter=${encodeURIComponent('userName sw "u"')}&count=10&cursor=`).expect(200);
      const cursor: string = first.body.nextCursor;
      const body = cursor.slice(0, cursor.indexOf("."));
      // A client that pushes the expiry out, keeping the signature.
      const edited = Buffer.from(
        Buffer.from(body, "base64url")
          .toString("utf8")
          .replace(/"e":(\d)/, '"e":9$1'),
      ).toString("base64url");
      expect(edited).not.toBe(body);
      for (const [query, bad] of [
        [`filter=${encodeURIComponent('userName sw "u"')}`, `${edited}${cursor.slice(cursor.indexOf("."))}`],
        [`filter=${encodeURIComponent('userName sw "u"')}`, `${cursor}x`],
        [`filter=${encodeURIComponent('userName sw "v"')}`, cursor],
        [`filter=${encodeURIComponent('userName sw "u"')}&sortBy=userName`, cursor],
        ["", cursor],
        ["", "not-a-cursor"],
      ]) {
        const res = await h.get(`/Users?${query}&count=10&cursor=${encodeURIComponent(bad!)}`).expect(400);
        expect(res.body.scimType).toBe("invalidCursor");
      }
    });
  });
}

cursorSuite("memory", () => memoryStore());
cursorSuite("SQLite", () => sqliteStore({ filename: ":memory:", migrate: true }));
cursorSuite("a host store that cannot seek (cursors by offset)", withoutKeyset, { seeks: false });
describePostgres("PostgreSQL", () => {
  const db = testSchema();
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());
  // Each test gets its own tenant-free schema state: the tables are emptied between tests.
  cursorSuite("cursors", () => db.store(), {
    after: async () => {
      await db.pool().query(`TRUNCATE "${db.schema}".memberships, "${db.schema}".users, "${db.schema}".groups`);
    },
  });
});

describe("cursor rules that do not depend on the store", () => {
  test("a cursor from another tenant is 400 invalidCursor", async () => {
    const store = memoryStore();
    const h = host({
      store,
      tokens: [
        { token: TOKEN, scopes: [...ALL_SCOPES], tenant: "a" },
        { token: "second-tenant-token-000000000001", scopes: [...ALL_SCOPES], tenant: "b" },
      ],
    });
    for (const tenant of ["a", "b"])
      for (let i = 0; i < 3; i++) await store.users.create({ tenant }, { userName: `x${i}` });
    const mine = await h.get("/Users?count=1&cursor=").expect(200);
    const res = await h
      .get(`/Users?count=1&cursor=${mine.body.nextCursor}`)
      .set("Authorization", "Bearer second-tenant-token-000000000001")
      .expect(400);
    expect(res.body.scimType).toBe("invalidCursor");
    await h.get(`/Users?count=1&cursor=${mine.body.nextCursor}`).expect(200);
  });

  test("a cursor older than cursorTimeout is 400 expiredCursor (injected clock)", async () => {
    let now = Date.UTC(2026, 0, 1);
    const h = host({ cursors: { timeout: 60, clock: () => now } });
    for (let i = 0; i < 3; i++) await h.store.users.create(ctx, { userName: `x${i}` });
    const first = await h.get("/Users?count=1&cursor=").expect(200);
    now += 59_000;
    await h.get(`/Users?count=1&cursor=${first.body.nextCursor}`).expect(200);
    now += 1_000;
    const res = await h.get(`/Users?count=1&cursor=${first.body.nextCursor}`).expect(400);
    expect(res.body.scimType).toBe("expiredCursor");
  });

  test("routers sharing cursors.secret read each other's cursors; others refuse them", async () => {
    const store = memoryStore();
    const secret = "a shared secret of at least 32 bytes!";
    const one = host({ store, cursors: { secret } });
    const two = host({ store, cursors: { secret } });
    const three = host({ store });
    for (let i = 0; i < 3; i++) await store.users.create(ctx, { userName: `x${i}` });
    const first = await one.get("/Users?count=1&cursor=").expect(200);
    const next = await two.get(`/Users?count=1&cursor=${first.body.nextCursor}`).expect(200);
    expect(next.body.Resources[0].userName).toBe("x1");
    expect((await three.get(`/Users?count=1&cursor=${first.body.nextCursor}`).expect(400)).body.scimType).toBe(
      "invalidCursor",
    );
  });

  test("cursor with startIndex is 400 invalidValue; index paging is unchanged", async () => {
    const h = host();
    for (let i = 0; i < 3; i++) await h.store.users.create(ctx, { userName: `x${i}` });
    expect((await h.get("/Users?cursor=&startIndex=2").expect(400)).body.scimType).toBe("invalidValue");
    const indexed = await h.get("/Users?startIndex=2&count=1").expect(200);
    expect(indexed.body).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
    expect(indexed.body.nextCursor).toBeUndefined();
  });

  test("a cursor at the service root is refused, not ignored", async () => {
    const res = await host().get("/?cursor=").expect(400);
    expect(res.body.scimType).toBe("invalidValue");
  });

  test("a short cursors.secret is a start-up error", () => {
    expect(() => host({ cursors: { secret: "short" } })).toThrow(/cursors.secret/);
  });
});
