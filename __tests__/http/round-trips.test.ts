/**
 * What a request costs the database, counted (issue 17): a list page is a fixed number of
 * statements whatever its size (User.groups and Group.members read for the page at once, not per
 * resource, and not at all when the projection drops them); a lookup by userName is one statement
 * plus its groups; a PATCH holds no savepoint. Counted as store calls on the memory store, as
 * statements on SQLite and as round trips on PostgreSQL.
 */
import Database from "better-sqlite3";
import { Client } from "pg";
import { memoryStore, type Store, type StoreContext } from "../../lib";
import { postgresStore } from "../../lib/stores/postgres";
import { sqliteStore, type SqliteStore } from "../../lib/stores/sqlite";
import { faultyStore, type FaultyStore } from "../../lib/testing";
import { DATABASE_URL, describePostgres, testSchema } from "../stores/postgres-helpers";
import { host, type TestHost } from "./app";
import { PATCH_OP } from "../helpers/fixtures";

const ctx: StoreContext = { tenant: "default" };

interface Counted {
  store: Store;
  /** What the store was asked since the last reset: store calls, or the SQL text of each statement. */
  seen(): string[];
  reset(): void;
  close(): Promise<void>;
}

function countedMemory(): Counted {
  const store: FaultyStore = faultyStore(memoryStore());
  return {
    store,
    seen: () => store.calls.map((c) => `${c.resource}.${c.method}`),
    reset: () => store.reset(),
    close: async () => {},
  };
}

/** Replaces `proto[method]` with a wrapper that first tells `seen` the statement; returns the undo. */
function spy(proto: object, method: string, seen: (self: unknown, args: unknown[]) => void): () => void {
  const target = proto as Record<string, (...args: unknown[]) => unknown>;
  const original = target[method]!;
  target[method] = function (this: unknown, ...args: unknown[]) {
    seen(this, args);
    return original.apply(this, args);
  };
  return () => {
    target[method] = original;
  };
}

/** Every statement better-sqlite3 runs: prepared ones and exec'd ones (BEGIN, SAVEPOINT...). */
function countedSqlite(): Counted {
  const statement = Object.getPrototypeOf(new Database(":memory:").prepare("SELECT 1")) as object;
  const sql: string[] = [];
  const undo = [
    ...["all", "run", "get", "iterate"].map((m) =>
      spy(statement, m, (self) => sql.push((self as { source: string }).source)),
    ),
    spy(Database.prototype, "exec", (_self, args) => sql.push(String(args[0]))),
  ];
  const store = sqliteStore({ filename: ":memory:", migrate: true });
  return {
    store,
    seen: () => [...sql],
    reset: () => void sql.splice(0),
    close: async () => {
      for (const u of undo) u();
      await (store as SqliteStore).close();
    },
  };
}

/** Every round trip to PostgreSQL (pool.query goes through a client too). */
function countedPostgres(schema: string, own: boolean, pool: () => import("pg").Pool): Counted {
  const sql: string[] = [];
  const undo = spy(Client.prototype, "query", (_self, args) => {
    const q = args[0] as string | { text: string };
    sql.push(typeof q === "string" ? q : q.text);
  });
  const store = own
    ? postgresStore({ connectionString: DATABASE_URL!, schema })
    : postgresStore({ pool: pool(), schema });
  return {
    store,
    seen: () => [...sql],
    reset: () => void sql.splice(0),
    close: async () => {
      undo();
      await (store as ReturnType<typeof postgresStore>).close();
    },
  };
}

/** `users` users and `groups` groups, every user in group 0; created through the store at once. */
async function seed(store: Store, users: number, groups: number): Promise<{ users: string[]; groups: string[] }> {
  const run = <T>(fn: (s: Store) => Promise<T>) => (store.transaction ? store.transaction(fn) : fn(store));
  return run(async (s) => {
    const u = [];
    for (let i = 0; i < users; i++)
      u.push((await s.users.create(ctx, { userName: `user${String(i).padStart(3, "0")}@example.com` })).id);
    const g = [];
    for (let i = 0; i < groups; i++) {
      const members = (i === 0 ? u : u.slice(0, 3)).map((value) => ({ value, type: "User" as const }));
      g.push((await s.groups.create(ctx, { displayName: `group ${i}` }, { members })).id);
    }
    return { users: u, groups: g };
  });
}

/** The statements (or store calls) one request makes. */
async function cost(c: Counted, request: () => PromiseLike<unknown>): Promise<string[]> {
  c.reset();
  await request();
  return c.seen();
}

const isMembership = (s: string) => /memberships|groupsOf|membersOf/.test(s);
const isSavepoint = (s: string) => /SAVEPOINT/i.test(s);

function suite(
  name: string,
  make: () => Counted,
  limits: { list: number; lookup: number; userPatch: number; groupPatch: number },
) {
  describe(name, () => {
    let c: Counted;
    let h: TestHost;
    let ids: { users: string[]; groups: string[] };
    beforeAll(async () => {
      c = make();
      h = host({ store: c.store, rateLimit: false });
      ids = await seed(c.store, 30, 12);
    });
    afterAll(() => c.close());

    test("a page of users costs the same at count=3 and count=30, User.groups read once for the page", async () => {
      const small = await cost(c, () => h.get("/Users?count=3").expect(200));
      const large = await cost(c, () =>
        h
          .get("/Users?count=30")
          .expect(200)
          .then((res) => {
            expect(res.body.Resources).toHaveLength(30);
            for (const u of res.body.Resources)
              expect(u.groups.map((g: { value: string }) => g.value)).toContain(ids.groups[0]);
          }),
      );
      expect(large).toHaveLength(small.length);
      expect(large.length).toBeLessThanOrEqual(limits.list);
      expect(large.filter(isMembership)).toHaveLength(1);
    });

    test("a page of groups costs the same at count=2 and count=12, members read once for the page", async () => {
      const small = await cost(c, () => h.get("/Groups?count=2").expect(200));
      const large = await cost(c, () =>
        h
          .get("/Groups?count=12")
          .expect(200)
          .then((res) => {
            expect(res.body.Resources).toHaveLength(12);
            expect(res.body.Resources[0].members).toHaveLength(30);
            expect(res.body.Resources[11].members).toHaveLength(3);
          }),
      );
      expect(large).toHaveLength(small.length);
      expect(large.length).toBeLessThanOrEqual(limits.list);
      expect(large.filter(isMembership)).toHaveLength(1);
    });

    test("attributes and excludedAttributes that drop groups or members read none", async () => {
      for (const path of [
        "/Users?count=30&attributes=userName",
        "/Users?count=30&excludedAttributes=groups",
        "/Groups?count=12&excludedAttributes=members",
        "/Groups?count=12&attributes=displayName",
      ]) {
        const seen = await cost(c, () => h.get(path).expect(200));
        expect({ path, reads: seen.filter(isMembership) }).toEqual({ path, reads: [] });
      }
    });

    test("count=0 only counts; a short first page needs no count", async () => {
      const zero = await cost(c, () => h.get("/Users?count=0").expect(200));
      expect(zero.filter((s) => !/^(BEGIN|COMMIT)/.test(s))).toHaveLength(1);
      const filter = encodeURIComponent('userName eq "user007@example.com"');
      const lookup = await cost(c, () =>
        h
          .get(`/Users?filter=${filter}&attributes=userName`)
          .expect(200)
          .then((res) => expect(res.body.totalResults).toBe(1)),
      );
      expect(lookup.filter((s) => /COUNT\(/i.test(s))).toEqual([]);
      const withGroups = await cost(c, () => h.get(`/Users?filter=${filter}`).expect(200));
      expect(withGroups.length).toBeLessThanOrEqual(limits.lookup);
    });

    test("PATCH of a user and of a group's members: no savepoint, few round trips", async () => {
      const user = await cost(c, () =>
        h
          .patch(`/Users/${ids.users[5]}`, {
            schemas: [PATCH_OP],
            Operations: [{ op: "replace", path: "displayName", value: "Renamed" }],
          })
          .expect(200),
      );
      expect(user.filter(isSavepoint)).toEqual([]);
      expect(user.length).toBeLessThanOrEqual(limits.userPatch);
      const group = await cost(c, () =>
        h
          .patch(`/Groups/${ids.groups[3]}`, {
            schemas: [PATCH_OP],
            Operations: [{ op: "add", path: "members", value: [{ value: ids.users[20] }] }],
          })
          .expect(204),
      );
      expect(group.filter(isSavepoint)).toEqual([]);
      expect(group.length).toBeLessThanOrEqual(limits.groupPatch);
    });
  });
}

// Memory: store calls. A list is query + one batch read; a PATCH is get + replace (+ groups).
suite("memory store (store calls)", countedMemory, { list: 2, lookup: 2, userPatch: 4, groupPatch: 4 });
// SQLite: statements, BEGIN and COMMIT included. A write's events add two (the tenant's counter,
// the events), in process, with no savepoint (docs/events.md); a member PATCH also reads the named
// members' groups (one statement), so a repeated add writes nothing (no-op writes).
suite("sqlite store (statements)", countedSqlite, { list: 3, lookup: 2, userPatch: 7, groupPatch: 9 });

const db = testSchema("scim_round_trips");
describePostgres("postgres store (round trips)", () => {
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());
  // The store's own pool: lone reads need no transaction, and statements are prepared. A write's
  // events are one more round trip (the outbox's append is one statement), and a member PATCH reads
  // the named members' groups first (one more), so a repeated add writes nothing.
  suite("own pool", () => countedPostgres(db.schema, true, db.pool), {
    list: 3,
    lookup: 2,
    userPatch: 6,
    groupPatch: 8,
  });
});
