/**
 * Membership changes. The group's row is bumped first (a new version, and a lock on the row),
 * then membership rows are inserted or deleted; member lists are never read, modified and
 * written back.
 */
import { unknownMembers } from "../../protocol/errors";
import type { Member } from "../../schema/types";
import type { StoreContext, WriteOptions } from "../types";
import type { Conn, StoreDialect } from "./driver";
import { target, why } from "./versions";

/** New version of a group (and a lock on its row until the transaction ends). */
export async function touchGroup(
  d: StoreDialect,
  c: Conn,
  ctx: StoreContext,
  groupId: string,
  opts: WriteOptions,
): Promise<void> {
  const p = d.params();
  const sql = `UPDATE ${d.table("groups")} AS t SET version = version + 1, last_modified = ${d.time(p, new Date())} WHERE ${target(p, ctx, groupId, opts)}`;
  if ((await c.run(sql, p)) === 0) throw await why(d, c, "groups", ctx, groupId);
}

/** New versions of the groups `memberId` belongs to, locked in id order (two deletes never cross). */
export async function touchGroupsOf(d: StoreDialect, c: Conn, ctx: StoreContext, memberId: string): Promise<string[]> {
  const p = d.params();
  const tenant = p.add(ctx.tenant);
  const me = p.add(memberId);
  const select =
    `SELECT g.id FROM ${d.table("groups")} g WHERE g.tenant = ${tenant} AND g.id <> ${me}` +
    ` AND g.id IN (SELECT m.group_id FROM ${d.table("memberships")} m WHERE m.tenant = ${tenant} AND m.member_id = ${me}) ORDER BY g.id${d.forUpdate}`;
  const ids = (await c.all(select, p)).map((row) => String(row.id));
  if (ids.length === 0) return ids;
  const q = d.params();
  const sql = `UPDATE ${d.table("groups")} SET version = version + 1, last_modified = ${d.time(q, new Date())} WHERE tenant = ${q.add(ctx.tenant)} AND ${d.inList(q, "id", ids)}`;
  await c.run(sql, q);
  return ids;
}

/** Adds members (idempotent), refusing unknown ids before anything is written. */
export async function insertMembers(
  d: StoreDialect,
  c: Conn,
  ctx: StoreContext,
  groupId: string,
  members: Member[],
): Promise<void> {
  await assertMembersExist(d, c, ctx, members);
  await addMemberRows(d, c, ctx, groupId, members);
}

export async function setMembers(
  d: StoreDialect,
  c: Conn,
  ctx: StoreContext,
  groupId: string,
  members: Member[],
): Promise<void> {
  await assertMembersExist(d, c, ctx, members);
  await deleteMembers(
    d,
    c,
    ctx,
    groupId,
    unique(members).map((m) => m.value),
    true,
  );
  await addMemberRows(d, c, ctx, groupId, members);
}

/** Deletes the listed members, or (`except`) every member not listed. */
export async function deleteMembers(
  d: StoreDialect,
  c: Conn,
  ctx: StoreContext,
  groupId: string,
  ids: string[],
  except: boolean,
): Promise<void> {
  if (ids.length === 0 && !except) return;
  const p = d.params();
  const listed = d.inList(p, "member_id", ids);
  const sql = `DELETE FROM ${d.table("memberships")} WHERE tenant = ${p.add(ctx.tenant)} AND group_id = ${p.add(groupId)} AND ${except ? `NOT ${listed}` : listed}`;
  await c.run(sql, p);
}

export async function addMemberRows(
  d: StoreDialect,
  c: Conn,
  ctx: StoreContext,
  groupId: string,
  members: Member[],
): Promise<void> {
  const list = unique(members);
  if (list.length === 0) return;
  const p = d.params();
  const rows = d.pairs(
    p,
    list.map((m) => [m.value, m.type] as const),
    "w",
  );
  const sql =
    `INSERT INTO ${d.table("memberships")} (tenant, group_id, member_id, member_type)` +
    ` SELECT ${p.add(ctx.tenant)}, ${p.add(groupId)}, w.id, w.type FROM ${rows} WHERE 1 = 1 ON CONFLICT DO NOTHING`;
  await c.run(sql, p);
}

/**
 * Unknown ids (or ids of another tenant) fail the whole operation with 400 invalidValue.
 * The rows found stay locked against deletion until commit (PostgreSQL: FOR KEY SHARE), so a
 * member deleted concurrently cannot leave a membership behind.
 */
export async function assertMembersExist(
  d: StoreDialect,
  c: Conn,
  ctx: StoreContext,
  members: Member[],
): Promise<void> {
  const list = unique(members);
  if (list.length === 0) return;
  const found = new Set<string>();
  for (const kind of ["users", "groups"] as const) {
    const ids = list.filter((m) => (m.type === "Group") === (kind === "groups")).map((m) => m.value);
    if (ids.length === 0) continue;
    const p = d.params();
    const sql = `SELECT t.id FROM ${d.table(kind)} t WHERE t.tenant = ${p.add(ctx.tenant)} AND ${d.inList(p, "t.id", ids)}${d.keyShare}`;
    for (const row of await c.all(sql, p)) found.add(String(row.id));
  }
  const missing = list.filter((m) => !found.has(m.value));
  if (missing.length > 0) throw unknownMembers(missing.map((m) => m.value));
}

/** One entry per member id (the last one wins, as in a Map). */
function unique(members: Member[]): Member[] {
  return [...new Map(members.map((m) => [m.value, m])).values()];
}
