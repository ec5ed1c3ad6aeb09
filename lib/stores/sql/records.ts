/** One user or group row: create, read by id, replace and delete. */
import { randomUUID } from "node:crypto";
import { conflict } from "../../protocol/errors";
import type { AppRecord, RecordWriteOptions, StoreContext, Stored, WriteOptions } from "../types";
import type { Kind } from "./compile";
import type { Conn, StoreDialect } from "./driver";
import { SUPPORTED_KEYS } from "./keys";
import { membersOf } from "./member-reads";
import { addMemberRows, assertMembersExist, setMembers, touchGroupsOf } from "./member-writes";
import { Restart } from "./retry";
import { COLUMNS, RETURNING, extracted, onlyRow, storedRow } from "./rows";
import { target, why } from "./versions";

function uniqueness<T>(kind: Kind, promise: Promise<T>, d: StoreDialect): Promise<T> {
  return promise.catch((error: unknown) => {
    if (d.isUniqueViolation(error)) throw conflict(SUPPORTED_KEYS[kind]);
    throw error;
  });
}

export async function create(
  d: StoreDialect,
  c: Conn,
  kind: Kind,
  ctx: StoreContext,
  record: AppRecord,
  opts: RecordWriteOptions,
): Promise<Stored> {
  const members = kind === "groups" && opts.members ? opts.members : undefined;
  if (members) await assertMembersExist(d, c, ctx, members);
  const p = d.params();
  const now = new Date();
  const columns = extracted(kind, record);
  const names = ["tenant", "id", "version", "created", "last_modified", "record", ...Object.keys(columns)];
  const values = [
    p.add(ctx.tenant),
    p.add(randomUUID()),
    "1",
    d.time(p, now),
    d.time(p, now),
    d.json(p, record),
    ...Object.values(columns).map((v) => p.add(v)),
  ];
  const sql = `INSERT INTO ${d.table(kind)} (${names.join(", ")}) VALUES (${values.join(", ")}) RETURNING ${RETURNING}`;
  const stored = storedRow(d, onlyRow(await uniqueness(kind, c.all(sql, p), d)));
  if (members) await addMemberRows(d, c, ctx, stored.id, members);
  return stored;
}

export async function get(
  d: StoreDialect,
  c: Conn,
  kind: Kind,
  ctx: StoreContext,
  id: string,
  withMembers: boolean,
  lock: boolean,
): Promise<Stored | null> {
  const p = d.params();
  // NO KEY UPDATE (PostgreSQL): it queues other writers of the row, but not member adds that
  // only need the row to stay (FOR KEY SHARE), so two PATCHes adding each other's group as a
  // member do not deadlock.
  const forUpdate = lock ? d.forUpdate : "";
  const rows = await c.all(
    `SELECT ${COLUMNS} FROM ${d.table(kind)} t WHERE t.tenant = ${p.add(ctx.tenant)} AND t.id = ${p.add(id)}${forUpdate}`,
    p,
  );
  const [row] = rows;
  if (!row) return null;
  const stored = storedRow(d, row);
  if (kind === "groups" && withMembers) stored.members = await membersOf(d, c, ctx, id);
  return stored;
}

export async function replace(
  d: StoreDialect,
  c: Conn,
  kind: Kind,
  ctx: StoreContext,
  id: string,
  record: AppRecord,
  opts: RecordWriteOptions,
): Promise<Stored> {
  const p = d.params();
  const columns = extracted(kind, record);
  const sets = [
    "version = version + 1",
    `last_modified = ${d.time(p, new Date())}`,
    `record = ${d.json(p, record)}`,
    ...Object.entries(columns).map(([name, v]) => `${name} = ${p.add(v)}`),
  ];
  const sql = `UPDATE ${d.table(kind)} AS t SET ${sets.join(", ")} WHERE ${target(p, ctx, id, opts)} RETURNING ${RETURNING}`;
  const [row] = await uniqueness(kind, c.all(sql, p), d);
  if (!row) throw await why(d, c, kind, ctx, id);
  if (kind === "groups" && opts.members) await setMembers(d, c, ctx, id, opts.members);
  return storedRow(d, row);
}

export async function remove(
  d: StoreDialect,
  c: Conn,
  kind: Kind,
  ctx: StoreContext,
  id: string,
  opts: WriteOptions,
): Promise<void> {
  // Groups that lose a member get a new version (a stale ETag would answer If-None-Match with
  // 304). Their rows are locked before the deleted row, the order member changes take (group
  // first, then its members).
  const touched = new Set(await touchGroupsOf(d, c, ctx, id));
  const p = d.params();
  const deleted = await c.run(`DELETE FROM ${d.table(kind)} AS t WHERE ${target(p, ctx, id, opts)}`, p);
  if (deleted === 0) throw await why(d, c, kind, ctx, id);
  const q = d.params();
  const tenant = q.add(ctx.tenant);
  const me = q.add(id);
  const left = await c.all(
    `DELETE FROM ${d.table("memberships")} WHERE tenant = ${tenant} AND (member_id = ${me} OR group_id = ${me}) RETURNING group_id, member_id`,
    q,
  );
  // A membership committed after the groups were locked (the delete waited for its member
  // add to finish) belongs to a group this transaction has not bumped; locking it now would
  // break the order above, so start over: the next attempt finds it among the groups to lock.
  if (
    left.some(
      (row) => String(row.member_id) === id && String(row.group_id) !== id && !touched.has(String(row.group_id)),
    )
  ) {
    throw new Restart(`${kind} ${id} joined a group while being deleted`);
  }
}
