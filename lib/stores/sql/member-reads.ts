/** Reads of memberships: a group's members (whole, by page, or for a page of groups) and a member's groups. */
import type { Member } from "../../schema/types";
import type { GroupMembers, GroupRef, MemberPage, StoreContext } from "../types";
import type { Conn, Runner, StoreDialect } from "./driver";

/** Member rows read by one statement of a list page (see membersOfPage). */
const MEMBER_BATCH = 10_000;

export async function membersOf(d: StoreDialect, c: Conn, ctx: StoreContext, groupId: string): Promise<Member[]> {
  return (await memberRows(d, c, ctx, [groupId])).map((row) => row.member);
}

/** One keyset page of a group's members, on the primary key (tenant, group_id, member_id). */
export async function membersPage(
  d: StoreDialect,
  c: Conn,
  ctx: StoreContext,
  groupId: string,
  page: MemberPage,
): Promise<Member[]> {
  return (await memberRows(d, c, ctx, [groupId], page.count, page.after)).map((row) => row.member);
}

/**
 * The members of a page of groups, in the page's order. One statement when the page's groups
 * hold at most MEMBER_BATCH members together; past that, the groups not known complete are
 * read one by one in chunks of MEMBER_BATCH, so no more than a chunk and a group are held.
 */
export async function* membersOfPage(
  d: StoreDialect,
  run: Runner,
  ctx: StoreContext,
  groupIds: readonly string[],
): AsyncGenerator<GroupMembers> {
  if (groupIds.length === 0) return;
  const rows = await run.read((c) => memberRows(d, c, ctx, groupIds, MEMBER_BATCH + 1));
  const read = new Map<string, Member[]>();
  for (const row of rows) listOf(read, row.groupId).push(row.member);
  // Over the limit, the last group read may be cut short, and groups with no rows may lie after it.
  const complete = (id: string) =>
    rows.length <= MEMBER_BATCH || (read.has(id) && id !== rows[rows.length - 1]!.groupId);
  for (const id of groupIds) {
    if (complete(id)) {
      yield { id, members: read.get(id) ?? [] };
      continue;
    }
    const members: Member[] = [];
    for (let after: string | undefined; ; ) {
      const chunk = await run.read((c) => memberRows(d, c, ctx, [id], MEMBER_BATCH, after));
      for (const row of chunk) members.push(row.member);
      if (chunk.length < MEMBER_BATCH) break;
      after = chunk[chunk.length - 1]!.member.value;
    }
    yield { id, members };
  }
}

/** Membership rows of `groupIds` with each member's display, by group then member id. */
async function memberRows(
  d: StoreDialect,
  c: Conn,
  ctx: StoreContext,
  groupIds: readonly string[],
  limit?: number,
  after?: string,
): Promise<{ groupId: string; member: Member }[]> {
  const p = d.params();
  const tenant = p.add(ctx.tenant);
  const which = groupIds.length === 1 ? `m.group_id = ${p.add(groupIds[0])}` : d.inList(p, "m.group_id", groupIds);
  const sql =
    `SELECT m.group_id, m.member_id, m.member_type, COALESCE(u.display, g.display) AS display FROM ${d.table("memberships")} m` +
    ` LEFT JOIN ${d.table("users")} u ON m.member_type = 'User' AND u.tenant = m.tenant AND u.id = m.member_id` +
    ` LEFT JOIN ${d.table("groups")} g ON m.member_type = 'Group' AND g.tenant = m.tenant AND g.id = m.member_id` +
    ` WHERE m.tenant = ${tenant} AND ${which}${after === undefined ? "" : ` AND m.member_id > ${p.add(after)}`}` +
    ` ORDER BY m.group_id, m.member_id${limit === undefined ? "" : ` LIMIT ${p.add(limit)}`}`;
  return (await c.all(sql, p)).map((row) => {
    const member: Member = { value: String(row.member_id), type: row.member_type === "Group" ? "Group" : "User" };
    if (typeof row.display === "string") member.display = row.display;
    return { groupId: String(row.group_id), member };
  });
}

/** The groups of each of `memberIds` (User.groups), in one statement. */
export async function groupsOfMany(
  d: StoreDialect,
  c: Conn,
  ctx: StoreContext,
  memberIds: readonly string[],
): Promise<Map<string, GroupRef[]>> {
  const out = new Map<string, GroupRef[]>();
  if (memberIds.length === 0) return out;
  const p = d.params();
  const tenant = p.add(ctx.tenant);
  const which = memberIds.length === 1 ? `m.member_id = ${p.add(memberIds[0])}` : d.inList(p, "m.member_id", memberIds);
  const sql =
    `SELECT m.member_id, g.id, g.display FROM ${d.table("memberships")} m JOIN ${d.table("groups")} g ON g.tenant = m.tenant AND g.id = m.group_id` +
    ` WHERE m.tenant = ${tenant} AND ${which} ORDER BY m.member_id, g.seq`;
  for (const row of await c.all(sql, p)) {
    const group: GroupRef = { id: String(row.id) };
    if (typeof row.display === "string") group.display = row.display;
    listOf(out, String(row.member_id)).push(group);
  }
  return out;
}

function listOf<T>(map: Map<string, T[]>, key: string): T[] {
  const list = map.get(key) ?? [];
  if (list.length === 0) map.set(key, list);
  return list;
}
