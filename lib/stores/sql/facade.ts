/** The Store interface over one Runner (outside a transaction, or inside one). */
import type { AppRecord, Query, RecordWriteOptions, Store, StoreContext, WriteOptions } from "../types";
import type { Kind } from "./compile";
import type { Runner, StoreDialect } from "./driver";
import { groupsOfMany, membersOfPage, membersPage } from "./member-reads";
import { deleteMembers, insertMembers, setMembers, touchGroup } from "./member-writes";
import { query } from "./query";
import { create, get, remove, replace } from "./records";

export function facade(d: StoreDialect, run: Runner): Store {
  const resource = (kind: Kind) => ({
    create: (ctx: StoreContext, record: AppRecord, opts: RecordWriteOptions = {}) =>
      run.write((c) => create(d, c, kind, ctx, record, opts)),
    get: (ctx: StoreContext, id: string, opts: { members?: boolean } = {}) =>
      run.read((c) => get(d, c, kind, ctx, id, !!opts.members, !!run.locksReads)),
    query: (ctx: StoreContext, q: Query) => run.read((c) => query(d, c, kind, ctx, q)),
    replace: (ctx: StoreContext, id: string, record: AppRecord, opts: RecordWriteOptions = {}) =>
      run.write((c) => replace(d, c, kind, ctx, id, record, opts)),
    delete: (ctx: StoreContext, id: string, opts: WriteOptions = {}) =>
      run.write((c) => remove(d, c, kind, ctx, id, opts)),
  });
  return {
    users: resource("users"),
    groups: {
      ...resource("groups"),
      addMembers: (ctx, groupId, members, opts = {}) =>
        run.write(async (c) => {
          await touchGroup(d, c, ctx, groupId, opts);
          await insertMembers(d, c, ctx, groupId, members);
        }),
      removeMembers: (ctx, groupId, ids, opts = {}) =>
        run.write(async (c) => {
          await touchGroup(d, c, ctx, groupId, opts);
          await deleteMembers(d, c, ctx, groupId, ids, false);
        }),
      replaceMembers: (ctx, groupId, members, opts = {}) =>
        run.write(async (c) => {
          await touchGroup(d, c, ctx, groupId, opts);
          await setMembers(d, c, ctx, groupId, members);
        }),
      groupsOf: (ctx, memberId) =>
        run.read(async (c) => (await groupsOfMany(d, c, ctx, [memberId])).get(memberId) ?? []),
      groupsOfMany: (ctx, memberIds) => run.read((c) => groupsOfMany(d, c, ctx, memberIds)),
      membersOfMany: (ctx, groupIds) => membersOfPage(d, run, ctx, groupIds),
      membersPage: (ctx, groupId, page) => run.read((c) => membersPage(d, c, ctx, groupId, page)),
    },
  };
}
