/** PostgreSQL beyond the conformance suite: semantics against evaluate(), plans, concurrency. */
import { scim } from "../../lib";
import { ScimError } from "../../lib/protocol/errors";
import { postgresStore, type PgPoolLike } from "../../lib/stores/postgres";
import { UNIQUE_KEYS } from "../../lib/testing";
import { describePostgres, testSchema } from "./postgres-helpers";
import { differential } from "./sql-cases";

const db = testSchema();
const eq = (path: string[], value: string, caseExact = false) => ({
  op: "eq" as const,
  attrPath: { path, type: "string" as const, caseExact, multiValued: false },
  compValue: value,
});

describePostgres("postgres store: SQL specifics", () => {
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());

  test("filters and sorts answer exactly as evaluate()/compareRecords()", async () => {
    const store = db.store();
    store.configure?.(UNIQUE_KEYS);
    const result = await differential(store, { tenant: "diff" });
    for (const [name, memory, sql] of [...result.filters, ...result.sorts])
      expect({ name, rows: sql }).toEqual({ name, rows: memory });
  });

  test("a hostile userName is stored and found as data", async () => {
    const store = db.store();
    const ctx = { tenant: "hostile" };
    const name = "'); drop table users; --";
    await store.users.create(ctx, { userName: name });
    const found = await store.users.query(ctx, { filter: eq(["userName"], name), startIndex: 1, count: 10 });
    expect(found.items.map((s) => s.record.userName)).toEqual([name]);
  });

  test("userName eq is an index scan over many users", async () => {
    const pool = db.pool();
    const tenant = "explain";
    // 20,000 users straight into the table: the plan, not the store, is under test here.
    await pool.query(
      `INSERT INTO "${db.schema}".users (tenant, id, version, created, last_modified, record, user_name, user_name_fold)
       SELECT $1, gen_random_uuid()::text, 1, now(), now(), jsonb_build_object('userName', 'user' || g), 'user' || g, 'user' || g FROM generate_series(1, 20000) g`,
      [tenant],
    );
    await pool.query(`ANALYZE "${db.schema}".users`);
    const seen: { text: string; values?: unknown[] }[] = [];
    const spy: PgPoolLike = {
      connect: () => pool.connect() as never,
      end: async () => undefined,
      query: (text: string, values?: unknown[]) => {
        seen.push({ text, values });
        return pool.query(text, values) as never;
      },
    };
    const store = postgresStore({ pool: spy, schema: db.schema, statementTimeout: 0 }); // reads straight on the pool, where the spy sees them
    for (const [filter, index] of [
      [eq(["userName"], "USER123"), "users_user_name"],
      [eq(["externalId"], "x", true), "users_external_id"],
      [eq(["id"], "00000000-0000-0000-0000-000000000000", true), "users_pkey"],
    ] as const) {
      seen.length = 0;
      await store.users.query({ tenant }, { filter, startIndex: 1, count: 10 });
      // A lookup is its page alone (a short first page needs no count).
      const select = seen.find((q) => /^SELECT t\.id/.test(q.text))!;
      const plan = await pool.query(`EXPLAIN (FORMAT JSON) ${select.text}`, select.values);
      const text = JSON.stringify(plan.rows[0]);
      expect(text).toContain(index);
      expect(text).not.toContain("Seq Scan");
    }
    seen.length = 0;
    const found = await store.users.query(
      { tenant },
      { filter: eq(["userName"], "USER123"), startIndex: 1, count: 10 },
    );
    expect(found.items.map((s) => s.record.userName)).toEqual(["user123"]);
    const page = seen.find((q) => /ORDER BY t\.seq/.test(q.text))!;
    const plan = JSON.stringify((await pool.query(`EXPLAIN (FORMAT JSON) ${page.text}`, page.values)).rows[0]);
    expect(plan).toContain("users_user_name");
  });

  test("concurrent creates of one userName: exactly one wins, the others are 409", async () => {
    const ctx = { tenant: "race" };
    const stores = Array.from({ length: 8 }, () => db.store());
    const results = await Promise.allSettled(
      stores.map((s, i) => s.users.create(ctx, { userName: i % 2 ? "Racer" : "racer" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === "rejected")) {
      expect(r.reason).toBeInstanceOf(ScimError);
      expect((r.reason as ScimError).status).toBe(409);
      expect((r.reason as ScimError).scimType).toBe("uniqueness");
    }
  });

  test("concurrent member adds and removes on one group lose nothing and duplicate nothing", async () => {
    const store = db.store();
    const ctx = { tenant: "members-race" };
    const users = await Promise.all(
      Array.from({ length: 60 }, (_, i) => store.users.create(ctx, { userName: `m${i}` })),
    );
    const group = await store.groups.create(
      ctx,
      { displayName: "G" },
      { members: users.slice(50).map((u) => ({ value: u.id, type: "User" as const })) },
    );
    await Promise.all([
      ...users.slice(0, 50).map((u) => db.store().groups.addMembers(ctx, group.id, [{ value: u.id, type: "User" }])),
      ...users.slice(50).map((u) => db.store().groups.removeMembers(ctx, group.id, [u.id])),
      ...users.slice(0, 10).map((u) => db.store().groups.addMembers(ctx, group.id, [{ value: u.id, type: "User" }])),
    ]);
    const members = (await store.groups.get(ctx, group.id, { members: true }))!.members!.map((m) => m.value).sort();
    expect(members).toEqual(
      users
        .slice(0, 50)
        .map((u) => u.id)
        .sort(),
    );
    expect(Number((await store.groups.get(ctx, group.id))!.version)).toBe(1 + 70);
  });

  test("members.value eq finds groups through the memberships table", async () => {
    const store = db.store();
    const ctx = { tenant: "member-filter" };
    const u = await store.users.create(ctx, { userName: "u" });
    const g = await store.groups.create(ctx, { displayName: "with" }, { members: [{ value: u.id, type: "User" }] });
    await store.groups.create(ctx, { displayName: "without" });
    const filter = {
      op: "eq" as const,
      attrPath: { path: ["members", "value"], type: "string" as const, caseExact: false, multiValued: true },
      compValue: u.id.toUpperCase(),
    };
    expect((await store.groups.query(ctx, { filter, startIndex: 1, count: 10 })).items.map((s) => s.id)).toEqual([
      g.id,
    ]);
  });

  test("a store whose schema was never migrated says so instead of creating tables", async () => {
    const store = postgresStore({ pool: db.pool(), schema: `${db.schema}_none` });
    await expect(store.users.get({ tenant: "x" }, "y")).rejects.toThrow(/schema is at version 0.*migrate/);
    expect(await store.schemaVersion()).toBe(0);
  });

  test("an unmigrated database is reported when the router is built, before any request", async () => {
    const store = postgresStore({ pool: db.pool(), schema: `${db.schema}_unmigrated` });
    const errors: string[] = [];
    const logger = { error: ({ err }: { err?: Error }) => void errors.push(String(err?.message)) };
    scim({ store, tokens: [{ token: "long-enough-token-000", scopes: ["get:users"] }], logger: logger as never });
    // The router asked first; once this later check settles, its report has been made.
    await store.ready!().catch(() => undefined);
    expect(errors).toEqual([expect.stringMatching(/schema is at version 0.*migrate/)]);
  });
});
