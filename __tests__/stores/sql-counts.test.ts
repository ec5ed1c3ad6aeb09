/**
 * An unfiltered list's totalResults on the SQL stores is read from per-tenant counts kept by
 * triggers (SQLite migration 9, PostgreSQL 10), not from a COUNT(*) over the tenant. It must
 * stay exactly what COUNT(*) answers: after creates and deletes, failed writes, rolled-back
 * transactions, concurrent writers, other tenants' writes, and rows written before the migration.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Store, StoreContext } from "../../lib";
import { postgresStore } from "../../lib/stores/postgres";
import { sqliteStore, type SqliteStore } from "../../lib/stores/sqlite";
import { describePostgres, testSchema } from "./postgres-helpers";
import { postgresAt, sqliteAt } from "./schema-at";

let n = 0;
const tenant = (): StoreContext => ({ tenant: `count-${++n}-${Math.random().toString(36).slice(2)}` });

/** The totals a client can see: count=0, a page past the end, a cursor page after the first, and the budget's size. */
async function totals(store: Store, ctx: StoreContext, kind: "users" | "groups") {
  const table = store[kind];
  const first = await table.query(ctx, { startIndex: 1, count: 1, keyset: {} });
  const after = first.positions?.[0];
  return {
    countZero: (await table.query(ctx, { startIndex: 1, count: 0 })).total,
    pastTheEnd: (await table.query(ctx, { startIndex: 1_000, count: 10 })).total,
    cursorPage:
      after === undefined ? 0 : (await table.query(ctx, { startIndex: 1, count: 1, keyset: { after } })).total,
    size: await store.costs!.size!(ctx, kind),
  };
}
const all = (total: number) => ({ countZero: total, pastTheEnd: total, cursorPage: total, size: total });

function countSuite(name: string, make: () => Store, close: (store: Store) => Promise<void>) {
  describe(name, () => {
    let store: Store;
    beforeAll(() => {
      store = make();
    });
    afterAll(() => close(store));

    test("creates, deletes and failed writes move the total exactly, in their own tenant only", async () => {
      const [a, b] = [tenant(), tenant()];
      const users = [];
      for (let i = 0; i < 5; i++) users.push(await store.users.create(a, { userName: `u${i}` }));
      await store.users.create(b, { userName: "u0" });
      const group = await store.groups.create(
        a,
        { displayName: "G" },
        { members: [{ value: users[0]!.id, type: "User" }] },
      );
      await store.groups.create(a, { displayName: "H" });
      await expect(store.users.create(a, { userName: "U1" })).rejects.toMatchObject({ status: 409 });
      await store.users.delete(a, users[0]!.id);
      await expect(store.users.delete(a, users[0]!.id)).rejects.toMatchObject({ status: 404 });
      await store.groups.delete(a, group.id);
      await store.users.replace(a, users[1]!.id, { userName: "renamed" });

      expect(await totals(store, a, "users")).toEqual(all(4));
      expect(await totals(store, a, "groups")).toEqual(all(1));
      expect(await totals(store, b, "users")).toEqual(all(1));
      expect(await totals(store, b, "groups")).toEqual(all(0));
      expect(await totals(store, tenant(), "users")).toEqual(all(0));
    });

    test("a rolled-back transaction leaves the total as it was; a committed one moves it", async () => {
      const ctx = tenant();
      await store.users.create(ctx, { userName: "kept" });
      await expect(
        store.transaction!(async (tx) => {
          await tx.users.create(ctx, { userName: "gone-1" });
          await tx.users.create(ctx, { userName: "gone-2" });
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      expect(await totals(store, ctx, "users")).toEqual(all(1));
      await store.transaction!(async (tx) => {
        await tx.users.create(ctx, { userName: "added" });
        await expect(tx.users.create(ctx, { userName: "KEPT" })).rejects.toMatchObject({ status: 409 });
      });
      expect(await totals(store, ctx, "users")).toEqual(all(2));
    });

    test("concurrent creates and deletes in one tenant leave the total at what COUNT(*) would say", async () => {
      const ctx = tenant();
      const made = await Promise.all(
        Array.from({ length: 30 }, (_, i) => store.users.create(ctx, { userName: `c${i}` })),
      );
      await Promise.all([
        ...made.slice(0, 10).map((u) => store.users.delete(ctx, u.id)),
        ...Array.from({ length: 10 }, (_, i) => store.users.create(ctx, { userName: `d${i}` })),
      ]);
      const listed = await store.users.query(ctx, { startIndex: 1, count: 1_000 });
      expect(listed.items).toHaveLength(30);
      expect(await totals(store, ctx, "users")).toEqual(all(30));
    });

    test("a filtered list still counts its matches", async () => {
      const ctx = tenant();
      for (const userName of ["ann", "anna", "bob"]) await store.users.create(ctx, { userName });
      const sw = {
        op: "sw" as const,
        attrPath: { path: ["userName"], type: "string" as const, caseExact: false, multiValued: false },
        compValue: "ann",
      };
      expect((await store.users.query(ctx, { filter: sw, startIndex: 1, count: 0 })).total).toBe(2);
      expect((await store.users.query(ctx, { filter: sw, startIndex: 5, count: 1 })).total).toBe(2);
    });
  });
}

countSuite(
  "sqlite store",
  () => sqliteStore({ filename: ":memory:", migrate: true }),
  (store) => (store as SqliteStore).close(),
);

const db = testSchema("scim_counts");
describePostgres("postgres store", () => {
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());
  countSuite(
    "postgres store",
    () => db.store(),
    async () => {},
  );
});

const USER_COLUMNS = "tenant, id, version, created, last_modified, record, user_name, user_name_fold";

describe("sqlite: rows written before migration 9 are counted", () => {
  test("two tenants' users and groups", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scim-counts-"));
    const filename = join(dir, "scim.db");
    try {
      const raw = sqliteAt(filename, 8);
      const insert = raw.prepare(`INSERT INTO users (${USER_COLUMNS}) VALUES (?, ?, 1, 0, 0, ?, ?, ?)`);
      for (let i = 0; i < 7; i++) insert.run("a", `u${i}`, JSON.stringify({ userName: `n${i}` }), `n${i}`, `n${i}`);
      insert.run("b", "u0", JSON.stringify({ userName: "n0" }), "n0", "n0");
      raw
        .prepare(
          "INSERT INTO groups (tenant, id, version, created, last_modified, record, display_name, display_name_fold) VALUES ('a', 'g', 1, 0, 0, '{}', 'g', 'g')",
        )
        .run();
      raw.close();

      const store = sqliteStore({ filename, migrate: true });
      try {
        expect(await totals(store, { tenant: "a" }, "users")).toEqual(all(7));
        expect(await totals(store, { tenant: "a" }, "groups")).toEqual(all(1));
        expect(await totals(store, { tenant: "b" }, "users")).toEqual(all(1));
        await store.users.create({ tenant: "b" }, { userName: "new" });
        expect(await totals(store, { tenant: "b" }, "users")).toEqual(all(2));
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describePostgres("postgres: rows written before migration 10 are counted", () => {
  const old = testSchema("scim_counts_old");
  afterAll(() => old.drop());

  test("two tenants' users and groups, some loaded in one multi-row statement", async () => {
    const pool = old.pool();
    const S = await postgresAt(pool, old.schema, 9);
    const rows = (tenant: string, count: number, id = "u") =>
      `SELECT '${tenant}', '${id}' || i, 1, now(), now(), jsonb_build_object('userName', '${id}' || i), '${id}' || i, '${id}' || i FROM generate_series(1, ${count}) i`;
    await pool.query(`INSERT INTO ${S}.users (${USER_COLUMNS}) ${rows("a", 7)} UNION ALL ${rows("b", 1)}`);
    await pool.query(
      `INSERT INTO ${S}.groups (tenant, id, version, created, last_modified, record, display_name, display_name_fold) VALUES ('a', 'g', 1, now(), now(), '{}', 'g', 'g')`,
    );

    const store = postgresStore({ pool, schema: old.schema });
    expect(await store.migrate()).toBeGreaterThanOrEqual(10);
    expect(await totals(store, { tenant: "a" }, "users")).toEqual(all(7));
    expect(await totals(store, { tenant: "a" }, "groups")).toEqual(all(1));
    expect(await totals(store, { tenant: "b" }, "users")).toEqual(all(1));
    // After the migration, a multi-row statement over two tenants counts in each.
    await pool.query(`INSERT INTO ${S}.users (${USER_COLUMNS}) ${rows("c", 3)} UNION ALL ${rows("b", 2, "x")}`);
    await pool.query(`DELETE FROM ${S}.users WHERE tenant = 'a' AND id IN ('u1', 'u2')`);
    expect(await totals(store, { tenant: "c" }, "users")).toEqual(all(3));
    expect(await totals(store, { tenant: "b" }, "users")).toEqual(all(3));
    expect(await totals(store, { tenant: "a" }, "users")).toEqual(all(5));
    await pool.query(`TRUNCATE ${S}.users`);
    expect(await totals(store, { tenant: "a" }, "users")).toEqual(all(0));
    expect(await totals(store, { tenant: "a" }, "groups")).toEqual(all(1));
  });
});
