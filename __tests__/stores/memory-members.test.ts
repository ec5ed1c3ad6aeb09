/**
 * The memory store answers filters on Group `members` from its membership index: no group's
 * member list is built (issue 13: `members.value eq "id"` over 450 groups of 10k members built
 * every list, 9 s with the server frozen), and the answers are exactly evaluate()'s over the
 * built lists.
 */
import { memoryStore, type Store, type StoreContext } from "../../lib";
import { evaluate, parseFilter, resolveFilter, type ResolvedFilter } from "../../lib/protocol/filter";
import { groupResourceType } from "../../lib/schema/core";
import { Memberships } from "../../lib/stores/memory/memberships";
import { TenantData } from "../../lib/stores/memory/tenant";

const filterOf = (text: string): ResolvedFilter => resolveFilter(groupResourceType, parseFilter(text));

/** 30 groups of 40 users each, overlapping; groups 0..2 also hold group 29 as a member. */
async function seed(store: Store, ctx: StoreContext) {
  const users = [];
  for (let i = 0; i < 100; i++)
    users.push(await store.users.create(ctx, { userName: `user${i}@example.com`, displayName: `User ${i}` }));
  const groups = [];
  for (let g = 0; g < 30; g++) {
    const members = users.slice(g * 2, g * 2 + 40).map((u) => ({ value: u.id, type: "User" as const }));
    groups.push(await store.groups.create(ctx, { displayName: `Group ${g}` }, { members }));
  }
  for (const g of groups.slice(0, 3))
    await store.groups.addMembers(ctx, g.id, [{ value: groups[29]!.id, type: "Group" }]);
  return { users, groups };
}

/** The reference: evaluate() over each group with its whole member list built. */
async function reference(store: Store, ctx: StoreContext, filter: ResolvedFilter): Promise<string[]> {
  const all = await store.groups.query(ctx, { startIndex: 1, count: 1000 });
  const out = [];
  for (const item of all.items) {
    const g = (await store.groups.get(ctx, item.id, { members: true }))!;
    const view = {
      ...g.record,
      id: g.id,
      meta: { created: g.created, lastModified: g.lastModified, version: g.version },
      members: g.members,
    };
    if (evaluate(filter, view)) out.push(g.id);
  }
  return out.sort();
}

const ids = async (store: Store, ctx: StoreContext, filter: ResolvedFilter) =>
  (await store.groups.query(ctx, { filter, startIndex: 1, count: 1000 })).items.map((i) => i.id).sort();

describe("memory store: filters on Group members", () => {
  const ctx = { tenant: "t" };
  let store: Store;
  let data: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    store = memoryStore();
    data = await seed(store, ctx);
  });
  afterEach(() => jest.restoreAllMocks());

  test("members.value eq builds no member list and visits only the user's groups", async () => {
    const builder = jest.spyOn(TenantData.prototype as unknown as { members(id: string): unknown }, "members");
    const has = jest.spyOn(Memberships.prototype, "has");
    const user = data.users[41]!;
    const found = await ids(store, ctx, filterOf(`members.value eq "${user.id}"`));
    // user41 is in groups 1..20 (group g holds users 2g..2g+39).
    expect(found).toEqual(
      data.groups
        .slice(1, 21)
        .map((g) => g.id)
        .sort(),
    );
    expect(builder).not.toHaveBeenCalled();
    expect(has.mock.calls.length).toBe(20);
  });

  test.each([
    `members[value eq "USER"]`,
    `members.value eq "USER" and displayName sw "group 1"`,
    `not (members.value eq "USER")`,
    `members.value ne "USER"`,
    `members.display co "user 5"`,
    `members.display eq "Group 29"`,
    `members[type eq "Group" and display sw "group"]`,
    `members.type eq "group"`,
    `members pr`,
    `not (members pr)`,
    `members.value sw "0"`,
    `members.display pr or displayName eq "group 0"`,
  ])("%s: same groups as evaluate() over built lists, and no list is built", async (text) => {
    const filter = filterOf(text.replace(/USER/g, data.users[41]!.id.toUpperCase()));
    const expected = await reference(store, ctx, filter);
    const builder = jest.spyOn(TenantData.prototype as unknown as { members(id: string): unknown }, "members");
    expect(await ids(store, ctx, filter)).toEqual(expected);
    expect(builder).not.toHaveBeenCalled();
  });

  test("an empty group matches `not (members pr)` and no member test", async () => {
    const empty = await store.groups.create(ctx, { displayName: "Empty" });
    try {
      expect(await ids(store, ctx, filterOf(`not (members pr)`))).toEqual([empty.id]);
      expect(await ids(store, ctx, filterOf(`members.value ne "x" and displayName eq "Empty"`))).toEqual([empty.id]);
    } finally {
      await store.groups.delete(ctx, empty.id);
    }
  });
});
