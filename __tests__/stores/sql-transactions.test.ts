/**
 * Transactions and lone reads of the SQL stores (issue 17). Inside `store.transaction`, a write
 * that fails undoes itself and leaves the transaction usable, whether it was the first write (no
 * savepoint: the transaction begins again) or a later one (a savepoint); on the store's own
 * PostgreSQL pool a lone read runs without BEGIN/COMMIT, as a prepared statement, and is still
 * cancelled by `statementTimeout`.
 */
import { Client, Pool } from "pg";
import type { Store, StoreContext } from "../../lib";
import { postgresStore, type PostgresStore } from "../../lib/stores/postgres";
import { sqliteStore, type SqliteStore } from "../../lib/stores/sqlite";
import { host } from "../http/app";
import { expectScimError } from "../helpers/fixtures";
import { DATABASE_URL, describePostgres, testSchema } from "./postgres-helpers";

let n = 0;
const tenant = (): StoreContext => ({ tenant: `tx-${++n}-${Math.random().toString(36).slice(2)}` });
const names = async (store: Store, ctx: StoreContext) =>
  (await store.users.query(ctx, { startIndex: 1, count: 100 })).items.map((s) => s.record.userName).sort();

function transactionSuite(name: string, make: () => Store, close: (store: Store) => Promise<void>) {
  describe(name, () => {
    let store: Store;
    beforeAll(() => {
      store = make();
    });
    afterAll(() => close(store));

    test("a failed first write and a failed later write each undo only themselves", async () => {
      const ctx = tenant();
      await store.users.create(ctx, { userName: "taken" });
      await store.transaction!(async (tx) => {
        await expect(tx.users.create(ctx, { userName: "TAKEN" })).rejects.toMatchObject({ status: 409 });
        await tx.users.create(ctx, { userName: "after-first" });
        await expect(tx.users.create(ctx, { userName: "taken" })).rejects.toMatchObject({ status: 409 });
        await tx.users.create(ctx, { userName: "after-second" });
      });
      expect(await names(store, ctx)).toEqual(["after-first", "after-second", "taken"]);
    });

    test("a first write that fails after one of its statements landed leaves nothing of it", async () => {
      const ctx = tenant();
      const group = await store.groups.create(ctx, { displayName: "G" });
      await store.transaction!(async (tx) => {
        // The group's version is bumped before the unknown member is found.
        await expect(
          tx.groups.addMembers(ctx, group.id, [{ value: "00000000-0000-4000-8000-000000000000", type: "User" }]),
        ).rejects.toMatchObject({ status: 400 });
        await tx.users.create(ctx, { userName: "kept" });
      });
      expect((await store.groups.get(ctx, group.id))?.version).toBe(group.version);
      expect(await names(store, ctx)).toEqual(["kept"]);
    });

    test("a transaction that throws after a failed first write leaves nothing behind", async () => {
      const ctx = tenant();
      await store.users.create(ctx, { userName: "taken" });
      await expect(
        store.transaction!(async (tx) => {
          await expect(tx.users.create(ctx, { userName: "taken" })).rejects.toMatchObject({ status: 409 });
          await tx.users.create(ctx, { userName: "rolled-back" });
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      expect(await names(store, ctx)).toEqual(["taken"]);
    });
  });
}

transactionSuite(
  "sqlite store",
  () => sqliteStore({ filename: ":memory:", migrate: true }),
  (store) => (store as SqliteStore).close(),
);

const db = testSchema("scim_tx");
describePostgres("postgres store", () => {
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());
  transactionSuite(
    "a host's pool",
    () => db.store(),
    async () => {},
  );
  transactionSuite(
    "its own pool",
    () => postgresStore({ connectionString: DATABASE_URL!, schema: db.schema }),
    (store) => (store as PostgresStore).close(),
  );

  describe("lone reads on the store's own pool", () => {
    let store: PostgresStore;
    let locker: Pool;
    beforeAll(() => {
      store = postgresStore({ connectionString: DATABASE_URL!, schema: db.schema, statementTimeout: 100 });
      locker = new Pool({ connectionString: DATABASE_URL, max: 1 });
    });
    afterAll(async () => {
      await store.close();
      await locker.end();
    });

    test("a lookup is one prepared statement, without BEGIN or COMMIT", async () => {
      const ctx = tenant();
      await store.users.create(ctx, { userName: "ada@example.com" });
      const sent: unknown[] = [];
      const original = Client.prototype.query;
      Client.prototype.query = function (this: Client, ...args: unknown[]) {
        sent.push(args[0]);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof original;
      try {
        const page = await store.users.query(ctx, {
          filter: {
            op: "eq",
            attrPath: { path: ["userName"], type: "string", caseExact: false, multiValued: false },
            compValue: "ADA@example.com",
          },
          startIndex: 1,
          count: 10,
        });
        expect(page.total).toBe(1);
      } finally {
        Client.prototype.query = original;
      }
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ name: expect.stringMatching(/^scim_/), text: expect.stringMatching(/^SELECT/) });
    });

    test("a lone read held up past statementTimeout answers 503 with Retry-After", async () => {
      const ctx = { tenant: "default" };
      const user = await store.users.create(ctx, { userName: "grace@example.com" });
      const h = host({ store, rateLimit: false });
      const lock = await locker.connect();
      try {
        await lock.query(`BEGIN; LOCK TABLE "${db.schema}".users IN ACCESS EXCLUSIVE MODE`);
        const res = await h.get(`/Users/${user.id}`);
        expectScimError(res, 503);
        expect(res.headers["retry-after"]).toMatch(/^[1-9]\d*$/);
      } finally {
        await lock.query("ROLLBACK");
        lock.release();
      }
      await h.get(`/Users/${user.id}`).expect(200);
    });
  });
});
