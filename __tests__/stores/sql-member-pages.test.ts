/**
 * `membersOfMany` on the SQL stores (issue 17): the members of a list page of groups, in the
 * page's order, each group once. Past 10,000 member rows in all it goes on group by group in
 * chunks; every path must give what `get(..., { members: true })` gives, group for group.
 */
import type { Store, StoreContext } from "../../lib";
import { sqliteStore, type SqliteStore } from "../../lib/stores/sqlite";
import { describePostgres, testSchema } from "./postgres-helpers";

async function collect(store: Store, ctx: StoreContext, ids: string[]) {
  const out: { id: string; members: string[] }[] = [];
  for await (const g of store.groups.membersOfMany!(ctx, ids))
    out.push({ id: g.id, members: g.members.map((m) => m.value) });
  return out;
}

async function expected(store: Store, ctx: StoreContext, ids: string[]) {
  const out: { id: string; members: string[] }[] = [];
  for (const id of ids)
    out.push({
      id,
      members: ((await store.groups.get(ctx, id, { members: true }))?.members ?? []).map((m) => m.value),
    });
  return out;
}

function suite(name: string, make: () => Store, close: (store: Store) => Promise<void>) {
  describe(name, () => {
    let store: Store;
    beforeAll(() => {
      store = make();
    });
    afterAll(() => close(store));

    test("a small page: every group once, in the order asked, empty and unknown ones included", async () => {
      const ctx = { tenant: `small-${Math.random()}` };
      const users = await store.transaction!(async (tx) => {
        const ids = [];
        for (let i = 0; i < 5; i++) ids.push((await tx.users.create(ctx, { userName: `u${i}` })).id);
        return ids;
      });
      const a = await store.groups.create(
        ctx,
        { displayName: "a" },
        { members: users.map((value) => ({ value, type: "User" })) },
      );
      const empty = await store.groups.create(ctx, { displayName: "empty" });
      const b = await store.groups.create(ctx, { displayName: "b" }, { members: [{ value: a.id, type: "Group" }] });
      const ids = [b.id, empty.id, "00000000-0000-4000-8000-000000000000", a.id];
      expect(await collect(store, ctx, ids)).toEqual(await expected(store, ctx, ids));
      const [first] = await collect(store, ctx, [b.id]);
      expect(first?.members).toEqual([a.id]);
    });

    test("past 10,000 member rows: groups read in chunks, still each whole and in order", async () => {
      const ctx = { tenant: `large-${Math.random()}` };
      const ids = await store.transaction!(async (tx) => {
        const users = [];
        for (let i = 0; i < 4200; i++) users.push((await tx.users.create(ctx, { userName: `m${i}` })).id);
        const members = users.map((value) => ({ value, type: "User" as const }));
        const groups = [];
        // 16,807 rows: the first read (10,001 rows, by group id) cannot hold them all.
        for (const [n, list] of [members, [], members, members, members.slice(0, 7), members].entries())
          groups.push((await tx.groups.create(ctx, { displayName: `g${n}` }, { members: list })).id);
        return groups;
      });
      const order = [ids[3]!, ids[1]!, ids[0]!, ids[5]!, ids[4]!, ids[2]!];
      const got = await collect(store, ctx, order);
      expect(got.map((g) => g.members.length)).toEqual([4200, 0, 4200, 4200, 7, 4200]);
      expect(got).toEqual(await expected(store, ctx, order));
    }, 120_000);
  });
}

suite(
  "sqlite store",
  () => sqliteStore({ filename: ":memory:", migrate: true }),
  (store) => (store as SqliteStore).close(),
);

const db = testSchema("scim_member_pages");
describePostgres("postgres store", () => {
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());
  suite(
    "postgres",
    () => db.store(),
    async () => {},
  );
});
