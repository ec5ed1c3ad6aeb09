/**
 * The custom store of examples/existing-users-table (the host's own app_users / app_teams /
 * app_team_members tables) on the real PostgreSQL: the store conformance suite, then what the
 * example promises beyond it (push-down, no silent scans, one statement per member delta, the
 * app's own columns left alone).
 *
 * The suite writes SCIM-named records (`userName`, `name.givenName`, `emails`, `title`, ...).
 * The store runs it through its `fields` option, which binds record keys to the host's columns:
 * `userName` -> login, `displayName` -> display_name, `externalId` -> idp_subject,
 * `title` -> job_title; keys without a column (`name`, `emails`) land in the `extra` jsonb
 * column. The app itself uses the default binding, where each column's name is its key.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { Pool } from "pg";
import type { Query, ResolvedFilter, Store, StoreContext } from "../../lib";
import { DATABASE_URL, describePostgres } from "./postgres-helpers";
import { FILTERS, RECORDS, SORTS } from "./sql-cases";

// Loaded as a host loads them, from the built package: the example's ScimError and the suite's
// must be one class.
const { storeConformance, differentialSuite, UNIQUE_KEYS } =
  require("express-scim/testing") as typeof import("../../lib/testing");
const { ScimError, memoryStore } = require("express-scim") as typeof import("../../lib");

interface Queryable {
  query: (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}
interface PoolLike extends Queryable {
  connect: () => Promise<Queryable & { release: () => void }>;
}
type Fields = { users?: Record<string, string>; groups?: Record<string, string> };
const example = require("../../examples/existing-users-table/store") as {
  appUsersStore(options: { pool: PoolLike; schema?: string; fields?: Fields }): Store;
  createTables(pool: PoolLike, schema: string): Promise<void>;
};

const SUITE_FIELDS: Fields = {
  users: { userName: "login", displayName: "display_name", externalId: "idp_subject", title: "job_title" },
  groups: { displayName: "name", externalId: "idp_group_id" },
};

const schema = `eut_${randomBytes(6).toString("hex")}`;
let pool: Pool | undefined;
const getPool = (): Pool => (pool ??= new Pool({ connectionString: DATABASE_URL, max: 10 }));
const asPool = (p: Pool) => p as unknown as PoolLike;

/** A pool that remembers every statement sent through it (BEGIN, SAVEPOINT... included). */
function recordingPool(): { pool: PoolLike; sql: string[] } {
  const sql: string[] = [];
  const inner = getPool();
  const wrap = <T extends Queryable>(q: T): T => ({
    ...q,
    query: (text: string, params?: unknown[]) => {
      sql.push(text);
      return q.query(text, params);
    },
  });
  return {
    sql,
    pool: {
      query: (text, params) => {
        sql.push(text);
        return inner.query(text, params) as never;
      },
      connect: async () => {
        const client = await inner.connect();
        return { ...wrap(client as unknown as Queryable), release: () => client.release() };
      },
    },
  };
}

const str = (path: string[], caseExact = false, multiValued = false) => ({
  path,
  type: "string" as const,
  caseExact,
  multiValued,
});
const ctxOf = (): StoreContext => ({ tenant: `t-${randomUUID()}` });

async function scimError(promise: Promise<unknown>): Promise<InstanceType<typeof ScimError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error("expected a ScimError");
}

describePostgres("examples/existing-users-table store", () => {
  beforeAll(() => example.createTables(asPool(getPool()), schema));
  afterAll(async () => {
    if (!pool) return;
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  const suiteStore = () => example.appUsersStore({ pool: asPool(getPool()), schema, fields: SUITE_FIELDS });
  // Transactions only: no token registry, audit log, costs or ready(); and it refuses (400) the
  // filters and sorts it cannot express in SQL, so it does not claim everyQuery.
  const capabilities = { transactions: true };
  storeConformance({
    name: "existing-users-table (SCIM-named keys bound to the host's columns)",
    makeStore: suiteStore,
    capabilities,
    describe,
    test,
  });
  differentialSuite({
    name: "existing-users-table",
    makeStore: suiteStore,
    capabilities,
    // PostgreSQL text and jsonb cannot hold U+0000 (the router refuses it above every store).
    cannotHold: ["\u0000"],
    runs: Number(process.env.DIFF_RUNS ?? 100),
    timeout: 120_000,
    describe,
    test,
  });

  describe("beyond the suite", () => {
    const appStore = () => example.appUsersStore({ pool: asPool(getPool()), schema });

    test("with the default binding a record's keys are the columns, and what the store does not own is left alone", async () => {
      const store = appStore();
      const ctx = ctxOf();
      const office = { type: "work", streetAddress: "1 Main St", locality: "Springfield" };
      const created = await store.users.create(ctx, {
        login: "ada@example.com",
        first_name: "Ada",
        disabled: false,
        office,
      });
      const { rows } = await getPool().query(
        `SELECT login, first_name, disabled, office, extra, tenant FROM "${schema}".app_users WHERE id = $1`,
        [created.id],
      );
      expect(rows[0]).toEqual({
        login: "ada@example.com",
        first_name: "Ada",
        disabled: false,
        office,
        extra: {},
        tenant: ctx.tenant,
      });
      await getPool().query(`UPDATE "${schema}".app_users SET password_hash = 'argon2:abc' WHERE id = $1`, [
        created.id,
      ]);
      const replaced = await store.users.replace(
        ctx,
        created.id,
        { login: "ada@example.com", last_name: "Lovelace" },
        { ifVersion: created.version },
      );
      expect(replaced.record).toEqual({ login: "ada@example.com", last_name: "Lovelace" });
      const after = await getPool().query(`SELECT first_name, password_hash FROM "${schema}".app_users WHERE id = $1`, [
        created.id,
      ]);
      expect(after.rows[0]).toEqual({ first_name: null, password_hash: "argon2:abc" });
      expect((await scimError(store.users.create(ctx, { login: 42 }))).scimType).toBe("invalidValue");
    });

    test("filters on columns are pushed down as parameters: the index expression, never the literal", async () => {
      const { pool: recording, sql } = recordingPool();
      const store = example.appUsersStore({ pool: recording, schema });
      const ctx = ctxOf();
      await store.users.create(ctx, { login: "Grace@Example.com" });
      const hostile = "x' OR '1'='1";
      sql.length = 0;
      const found = await store.users.query(ctx, {
        filter: { op: "eq", attrPath: str(["login"]), compValue: "grace@example.COM" },
        startIndex: 1,
        count: 10,
      });
      expect(found.total).toBe(1);
      expect(sql.join("\n")).toContain("lower(t.login) = lower($2)");
      expect(sql.join("\n")).not.toContain("grace");
      const none = await store.users.query(ctx, {
        filter: { op: "eq", attrPath: str(["login"]), compValue: hostile },
        startIndex: 1,
        count: 10,
      });
      expect(none.total).toBe(0);
      expect(sql.join("\n")).not.toContain(hostile);
    });

    test("the shipped SQL stores' differential cases: the memory store's answer, or a 400, never another answer", async () => {
      const store = example.appUsersStore({ pool: asPool(getPool()), schema, fields: SUITE_FIELDS });
      store.configure?.(UNIQUE_KEYS);
      const memory = memoryStore();
      memory.configure?.(UNIQUE_KEYS);
      const ctx = ctxOf();
      for (const record of RECORDS) {
        await memory.users.create(ctx, record);
        await store.users.create(ctx, record);
      }
      const answer = async (s: Store, q: Query) => {
        try {
          return (await s.users.query(ctx, q)).items.map((x) => String(x.record.userName));
        } catch (error) {
          if (error instanceof ScimError && error.status === 400) return `400 ${error.scimType}`;
          throw error;
        }
      };
      const refused: string[] = [];
      const cases: [string, Query][] = [
        ...FILTERS.map(([name, filter]): [string, Query] => [name, { filter, startIndex: 1, count: 100 }]),
        ...SORTS.map(([name, sort]): [string, Query] => [`sort ${name}`, { sort, startIndex: 1, count: 100 }]),
      ];
      for (const [name, q] of cases) {
        const got = await answer(store, q);
        if (typeof got === "string") refused.push(`${name}: ${got}`);
        else expect({ name, rows: got }).toEqual({ name, rows: await answer(memory, q) });
      }
      // What this store refuses on purpose: dates inside JSON, meta attributes it has no column
      // for, and sorting by anything but a column.
      expect(refused).toEqual([
        "dateTime gt (offsets, date-only, junk): 400 invalidFilter",
        "dateTime eq across offsets: 400 invalidFilter",
        "dateTime le: 400 invalidFilter",
        "meta.resourceType is never stored: 400 invalidFilter",
        "sort emails.value by primary element: 400 invalidValue",
        "sort hired (instants, junk is text): 400 invalidValue",
        "sort nick (numbers before strings): 400 invalidValue",
        "sort score mixed: 400 invalidValue",
        "sort active (booleans): 400 invalidValue",
      ]);
    });

    test("filters the store cannot express are 400 invalidFilter, not a scan", async () => {
      const store = appStore();
      const ctx = ctxOf();
      const cases: ResolvedFilter[] = [
        // A dateTime inside jsonb: only the timestamptz columns compare instants.
        {
          op: "gt",
          attrPath: { path: ["office", "since"], type: "dateTime", caseExact: false, multiValued: false },
          compValue: "2020-01-01T00:00:00Z",
        },
        {
          op: "eq",
          attrPath: { path: ["meta", "version"], type: "string", caseExact: true, multiValued: false },
          compValue: "1",
        },
        { op: "eq", attrPath: str(['login"); DROP TABLE app_users; --']), compValue: "x" },
        {
          op: "valuePath",
          attrPath: { path: ["login"], type: "string", caseExact: false, multiValued: false },
          filter: { op: "pr", attrPath: str(["value"]) },
        },
        {
          op: "valuePath",
          attrPath: { path: ["roles"], type: "complex", caseExact: false, multiValued: true },
          filter: {
            op: "valuePath",
            attrPath: { path: ["x"], type: "complex", caseExact: false, multiValued: true },
            filter: { op: "pr", attrPath: str(["y"]) },
          },
        },
        { op: "eq", attrPath: str(["groups", "display"]), compValue: "Ops" },
      ];
      for (const filter of cases) {
        const error = await scimError(store.users.query(ctx, { filter, startIndex: 1, count: 10 }));
        expect([error.status, error.scimType]).toEqual([400, "invalidFilter"]);
      }
      const sort = await scimError(
        store.users.query(ctx, {
          sort: {
            path: ["office", "locality"],
            multiValued: false,
            caseExact: false,
            type: "string",
            descending: false,
          },
          startIndex: 1,
          count: 10,
        }),
      );
      expect([sort.status, sort.scimType]).toEqual([400, "invalidValue"]);
    });

    test("jsonb columns, booleans and team membership filter in SQL", async () => {
      const store = appStore();
      const ctx = ctxOf();
      const a = await store.users.create(ctx, {
        login: "a",
        disabled: true,
        office: { type: "work", locality: "London" },
      });
      const b = await store.users.create(ctx, {
        login: "b",
        disabled: false,
        office: { type: "work", locality: "Paris" },
      });
      const team = await store.groups.create(ctx, { name: "Ops" }, { members: [{ value: b.id, type: "User" }] });
      const q = async (filter: ResolvedFilter, groups = false) =>
        (await (groups ? store.groups : store.users).query(ctx, { filter, startIndex: 1, count: 10 })).items.map(
          (s) => s.id,
        );
      expect(await q({ op: "eq", attrPath: str(["office", "locality"]), compValue: "london" })).toEqual([a.id]);
      expect(
        await q({
          op: "eq",
          attrPath: { path: ["disabled"], type: "boolean", caseExact: false, multiValued: false },
          compValue: false,
        }),
      ).toEqual([b.id]);
      expect(await q({ op: "eq", attrPath: str(["groups", "value"], true, true), compValue: team.id })).toEqual([b.id]);
      expect(await q({ op: "eq", attrPath: str(["members", "value"], true, true), compValue: b.id }, true)).toEqual([
        team.id,
      ]);
      expect(await q({ op: "ne", attrPath: str(["members", "value"], true, true), compValue: b.id }, true)).toEqual([]);
    });

    test("each member delta is one statement; a whole new list locks the team first", async () => {
      const { pool: recording, sql } = recordingPool();
      const store = example.appUsersStore({ pool: recording, schema });
      const ctx = ctxOf();
      const [a, b] = [await store.users.create(ctx, { login: "a" }), await store.users.create(ctx, { login: "b" })];
      const team = await store.groups.create(ctx, { name: "G" });
      sql.length = 0;
      await store.groups.addMembers(ctx, team.id, [
        { value: a.id, type: "User" },
        { value: b.id, type: "User" },
      ]);
      expect(sql).toHaveLength(1);
      sql.length = 0;
      await store.groups.removeMembers(ctx, team.id, [a.id]);
      expect(sql).toHaveLength(1);
      sql.length = 0;
      await store.groups.replaceMembers(ctx, team.id, [{ value: a.id, type: "User" }]);
      expect(sql.filter((s) => !/^(BEGIN|COMMIT|SAVEPOINT|RELEASE)/.test(s))).toHaveLength(2);
      expect((await store.groups.get(ctx, team.id, { members: true }))?.members?.map((m) => m.value)).toEqual([a.id]);
      // A stale version fails the one statement: nothing is written.
      const error = await scimError(
        store.groups.addMembers(ctx, team.id, [{ value: b.id, type: "User" }], { ifVersion: team.version }),
      );
      expect(error.status).toBe(412);
      expect(await store.groups.groupsOf(ctx, b.id)).toEqual([]);
    });

    test("concurrent writers: one login wins, and no member is lost or duplicated", async () => {
      const store = appStore();
      const ctx = ctxOf();
      const creates = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => store.users.create(ctx, { login: i % 2 ? "SAME" : "same" })),
      );
      expect(creates.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of creates)
        if (r.status === "rejected") expect([r.reason.status, r.reason.scimType]).toEqual([409, "uniqueness"]);
      const users = await Promise.all(
        Array.from({ length: 30 }, (_, i) => store.users.create(ctx, { login: `m${i}` })),
      );
      const team = await store.groups.create(
        ctx,
        { name: "Busy" },
        { members: users.slice(0, 10).map((u) => ({ value: u.id, type: "User" as const })) },
      );
      await Promise.all([
        ...users.slice(10).map((u) => store.groups.addMembers(ctx, team.id, [{ value: u.id, type: "User" }])),
        ...users.slice(0, 5).map((u) => store.groups.removeMembers(ctx, team.id, [u.id])),
      ]);
      const members = (await store.groups.get(ctx, team.id, { members: true }))?.members?.map((m) => m.value) ?? [];
      expect(members.sort()).toEqual(
        users
          .slice(5)
          .map((u) => u.id)
          .sort(),
      );
      expect(Number((await store.groups.get(ctx, team.id))?.version)).toBeGreaterThanOrEqual(Number(team.version) + 25);
    });

    test("configure refuses unique keys the table has no unique index for", () => {
      const store = appStore();
      expect(() =>
        store.configure?.({
          users: [{ path: ["email"], caseExact: false }],
          groups: [{ path: ["name"], caseExact: false }],
        }),
      ).toThrow(TypeError);
      expect(() =>
        store.configure?.({
          users: [
            { path: ["login"], caseExact: false },
            { path: ["idp_subject"], caseExact: true },
          ],
          groups: [],
        }),
      ).toThrow(/unique index/);
      store.configure?.({
        users: [{ path: ["login"], caseExact: false }],
        groups: [{ path: ["name"], caseExact: false }],
      });
      expect(() =>
        example.appUsersStore({ pool: asPool(getPool()), schema, fields: { users: { userName: "username" } } }),
      ).toThrow(TypeError);
    });
  });
});
