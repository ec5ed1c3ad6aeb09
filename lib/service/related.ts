/**
 * What a list page computes beside its records (User.groups, Group.members), read for the whole
 * page where the store offers the batch form, so a page of 100 costs one read and not 100.
 * Stores with only the single form (a host's own) are asked once per resource.
 */
import type { GroupMembers, GroupRef, Store, StoreContext, Stored } from "../stores/types";

export async function groupsOfPage(
  store: Store,
  ctx: StoreContext,
  ids: readonly string[],
): Promise<Map<string, GroupRef[]>> {
  if (ids.length === 0) return new Map();
  if (store.groups.groupsOfMany) return store.groups.groupsOfMany(ctx, ids);
  const out = new Map<string, GroupRef[]>();
  for (const id of ids) out.set(id, await store.groups.groupsOf(ctx, id));
  return out;
}

/**
 * The member list of each of `items`, in order, one group at a time: a list read already
 * (`members` set) is kept, the others come from the store's batch read, else group by group.
 */
export async function* membersOfPage(
  store: Store,
  ctx: StoreContext,
  items: readonly Stored[],
): AsyncGenerator<GroupMembers> {
  const missing = items.filter((item) => !item.members).map((item) => item.id);
  const batch = missing.length > 0 && store.groups.membersOfMany ? store.groups.membersOfMany(ctx, missing) : undefined;
  const read = batch?.[Symbol.asyncIterator]();
  for (const item of items) {
    if (item.members) yield { id: item.id, members: item.members };
    else if (read) {
      const next = await read.next();
      if (next.done || next.value.id !== item.id) throw new Error(`membersOfMany did not answer for group ${item.id}`);
      yield next.value;
    } else yield { id: item.id, members: (await store.groups.get(ctx, item.id, { members: true }))?.members ?? [] };
  }
}
