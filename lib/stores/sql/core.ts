/**
 * The store contract over SQL, shared by the PostgreSQL and SQLite stores. Correctness under
 * concurrency comes from the database, never from this process:
 *  - unique keys are unique indexes; a clash is ScimError 409 `uniqueness`;
 *  - `ifVersion` is part of the UPDATE/DELETE's WHERE clause, so the check and the write are one step;
 *  - member changes first bump the group's version (which locks its row, serialising changes to
 *    one group across processes), then insert or delete membership rows; member lists are never
 *    read, modified and written back;
 *  - locks are taken in one order everywhere: groups (several at once in id order), then the
 *    users or groups they hold (FOR KEY SHARE when adding them, the row itself when deleting);
 *    what is left to deadlock or serialization failures is retried (./retry.ts);
 *  - every multi-statement operation runs in a transaction (a savepoint inside a caller's).
 */
import { randomUUID } from "node:crypto";
import { type ScimError, resourceNotFound, conflict, preconditionFailed, unknownMembers } from "../../protocol/errors";
import { fold } from "../../values/fold";
import type {
  AppRecord,
  GroupMembers,
  GroupRef,
  MemberPage,
  Query,
  QueryResult,
  RecordWriteOptions,
  Store,
  StoreContext,
  Stored,
  UniqueKey,
  WriteOptions,
} from "../types";
import {
  INDEXED_SORTS,
  compileFilter,
  compileSortKeys,
  indexedOrder,
  keysetAfter,
  keysetColumns,
  orderBy,
  type Kind,
  type KeysetPosition,
} from "./compile";
import type { Conn, Driver, Runner, SqlRow, StoreDialect } from "./driver";
import { Restart } from "./retry";
import type { Member } from "../../schema/types";

/** Member rows read by one statement of a list page (see membersOfPage). */
const MEMBER_BATCH = 10_000;

const COLUMNS = "t.id, t.version, t.created, t.last_modified, t.record";
/** RETURNING may not name the table (SQLite), so its columns go unqualified. */
const RETURNING = "id, version, created, last_modified, record";

/** The unique keys the SQL schema enforces (indexes on the extracted columns). */
const SUPPORTED_KEYS: Record<Kind, string> = { users: "userName", groups: "displayName" };

/** `extend` adds a database's own parts (the outbox) to the store and to each transaction's store. */
export function sqlStore(driver: Driver, name: string, extend?: (store: Store, run: Runner) => void): Store {
  const store = facade(driver.dialect, driver.outside);
  extend?.(store, driver.outside);
  store.configure = (config) => checkKeys(name, config);
  store.costs = {
    keyset: true,
    // The unique indexes are on the folded columns; externalId's index is on the value as written;
    // emails.value's (users) on folded values; members.value's (groups) on ids, their own folded form.
    indexed: (kind) => [
      { path: [SUPPORTED_KEYS[kind]], caseExact: false, prefix: true },
      { path: ["externalId"], caseExact: true, prefix: true },
      ...(kind === "users"
        ? [
            { path: ["emails", "value"], caseExact: false },
            { path: ["meta", "lastModified"], range: true },
          ]
        : [{ path: ["members", "value"] }]),
    ],
    sorted: (kind) => INDEXED_SORTS[kind],
    size: (ctx, kind) =>
      driver.outside.read(async (c) => {
        const p = driver.dialect.params();
        const { n } = onlyRow(
          await c.all(
            `SELECT COUNT(*) AS n FROM ${driver.dialect.table(kind)} t WHERE t.tenant = ${p.add(ctx.tenant)}`,
            p,
          ),
        );
        return Number(n);
      }),
  };
  store.transaction = (fn) =>
    driver.transaction((inside) => {
      const scoped = facade(driver.dialect, inside);
      scoped.transaction = (inner) => inner(scoped);
      extend?.(scoped, inside);
      return fn(scoped);
    });
  return store;
}

function checkKeys(name: string, config: { users: UniqueKey[]; groups: UniqueKey[] }): void {
  for (const kind of ["users", "groups"] as const) {
    for (const key of config[kind]) {
      const ok = key.path.length === 1 && key.path[0] === SUPPORTED_KEYS[kind] && !key.caseExact;
      if (!ok) {
        throw new TypeError(
          `${name}: cannot enforce the unique key ${key.path.join(".")}${key.caseExact ? " (caseExact)" : ""} on ${kind}; ` +
            `its schema enforces ${SUPPORTED_KEYS[kind]} (case-insensitive) only.`,
        );
      }
    }
  }
}

/**
 * Values copied out of a record into indexed columns. The unique keys are also kept folded
 * (`*_fold`), by the library's one fold (lib/values/fold.ts) rather than a database's lower(),
 * so uniqueness, `eq` and sorting agree with the memory store on every character.
 */
function extracted(kind: Kind, record: AppRecord): Record<string, string | null> {
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  const display = record.displayName ?? record.userName;
  const columns: Record<string, string | null> = { external_id: str(record.externalId), display: str(display) };
  const key = kind === "users" ? "user_name" : "display_name";
  const value = str(kind === "users" ? record.userName : record.displayName);
  columns[key] = value;
  columns[`${key}_fold`] = value === null ? null : fold(value);
  return columns;
}

/** A stale or unparseable If-Match version can never match a stored counter. */
/** The row a statement answers without fail (COUNT(*), INSERT ... RETURNING); none means a broken driver. */
function onlyRow(rows: SqlRow[]): SqlRow {
  const [row] = rows;
  if (!row) throw new Error("express-scim: the database answered no row to a statement that always returns one");
  return row;
}

const versionOf = (v: string) => (/^\d{1,15}$/.test(v) ? Number(v) : -1);

function facade(d: StoreDialect, run: Runner): Store {
  const ops = new Operations(d);
  const resource = (kind: Kind) => ({
    create: (ctx: StoreContext, record: AppRecord, opts: RecordWriteOptions = {}) =>
      run.write((c) => ops.create(c, kind, ctx, record, opts)),
    get: (ctx: StoreContext, id: string, opts: { members?: boolean } = {}) =>
      run.read((c) => ops.get(c, kind, ctx, id, !!opts.members, !!run.locksReads)),
    query: (ctx: StoreContext, q: Query) => run.read((c) => ops.query(c, kind, ctx, q)),
    replace: (ctx: StoreContext, id: string, record: AppRecord, opts: RecordWriteOptions = {}) =>
      run.write((c) => ops.replace(c, kind, ctx, id, record, opts)),
    delete: (ctx: StoreContext, id: string, opts: WriteOptions = {}) =>
      run.write((c) => ops.delete(c, kind, ctx, id, opts)),
  });
  return {
    users: resource("users"),
    groups: {
      ...resource("groups"),
      addMembers: (ctx, groupId, members, opts = {}) =>
        run.write(async (c) => {
          await ops.touchGroup(c, ctx, groupId, opts);
          await ops.insertMembers(c, ctx, groupId, members);
        }),
      removeMembers: (ctx, groupId, ids, opts = {}) =>
        run.write(async (c) => {
          await ops.touchGroup(c, ctx, groupId, opts);
          await ops.deleteMembers(c, ctx, groupId, ids, false);
        }),
      replaceMembers: (ctx, groupId, members, opts = {}) =>
        run.write(async (c) => {
          await ops.touchGroup(c, ctx, groupId, opts);
          await ops.setMembers(c, ctx, groupId, members);
        }),
      groupsOf: (ctx, memberId) =>
        run.read(async (c) => (await ops.groupsOfMany(c, ctx, [memberId])).get(memberId) ?? []),
      groupsOfMany: (ctx, memberIds) => run.read((c) => ops.groupsOfMany(c, ctx, memberIds)),
      membersOfMany: (ctx, groupIds) => ops.membersOfPage(run, ctx, groupIds),
      membersPage: (ctx, groupId, page) => run.read((c) => ops.membersPage(c, ctx, groupId, page)),
    },
  };
}

class Operations {
  constructor(private readonly d: StoreDialect) {}

  private table(kind: Kind | "memberships"): string {
    return this.d.table(kind);
  }

  private stored(row: SqlRow): Stored {
    return {
      id: String(row.id),
      version: String(row.version),
      created: this.d.readTime(row.created),
      lastModified: this.d.readTime(row.last_modified),
      record: this.d.readJson(row.record),
    };
  }

  private uniqueness<T>(kind: Kind, promise: Promise<T>): Promise<T> {
    return promise.catch((error: unknown) => {
      if (this.d.isUniqueViolation(error)) throw conflict(SUPPORTED_KEYS[kind]);
      throw error;
    });
  }

  async create(c: Conn, kind: Kind, ctx: StoreContext, record: AppRecord, opts: RecordWriteOptions): Promise<Stored> {
    const members = kind === "groups" && opts.members ? opts.members : undefined;
    if (members) await this.assertMembersExist(c, ctx, members);
    const p = this.d.params();
    const now = new Date();
    const columns = extracted(kind, record);
    const names = ["tenant", "id", "version", "created", "last_modified", "record", ...Object.keys(columns)];
    const values = [
      p.add(ctx.tenant),
      p.add(randomUUID()),
      "1",
      this.d.time(p, now),
      this.d.time(p, now),
      this.d.json(p, record),
      ...Object.values(columns).map((v) => p.add(v)),
    ];
    const sql = `INSERT INTO ${this.table(kind)} (${names.join(", ")}) VALUES (${values.join(", ")}) RETURNING ${RETURNING}`;
    const stored = this.stored(onlyRow(await this.uniqueness(kind, c.all(sql, p))));
    if (members) await this.addMemberRows(c, ctx, stored.id, members);
    return stored;
  }

  async get(
    c: Conn,
    kind: Kind,
    ctx: StoreContext,
    id: string,
    withMembers: boolean,
    lock: boolean,
  ): Promise<Stored | null> {
    const p = this.d.params();
    // NO KEY UPDATE (PostgreSQL): it queues other writers of the row, but not member adds that
    // only need the row to stay (FOR KEY SHARE), so two PATCHes adding each other's group as a
    // member do not deadlock.
    const forUpdate = lock ? this.d.forUpdate : "";
    const rows = await c.all(
      `SELECT ${COLUMNS} FROM ${this.table(kind)} t WHERE t.tenant = ${p.add(ctx.tenant)} AND t.id = ${p.add(id)}${forUpdate}`,
      p,
    );
    const [row] = rows;
    if (!row) return null;
    const stored = this.stored(row);
    if (kind === "groups" && withMembers) stored.members = await this.members(c, ctx, id);
    return stored;
  }

  private async members(c: Conn, ctx: StoreContext, groupId: string): Promise<Member[]> {
    return (await this.memberRows(c, ctx, [groupId])).map((row) => row.member);
  }

  /** One keyset page of a group's members, on the primary key (tenant, group_id, member_id). */
  async membersPage(c: Conn, ctx: StoreContext, groupId: string, page: MemberPage): Promise<Member[]> {
    return (await this.memberRows(c, ctx, [groupId], page.count, page.after)).map((row) => row.member);
  }

  /**
   * The members of a page of groups, in the page's order. One statement when the page's groups
   * hold at most MEMBER_BATCH members together; past that, the groups not known complete are
   * read one by one in chunks of MEMBER_BATCH, so no more than a chunk and a group are held.
   */
  async *membersOfPage(run: Runner, ctx: StoreContext, groupIds: readonly string[]): AsyncGenerator<GroupMembers> {
    if (groupIds.length === 0) return;
    const rows = await run.read((c) => this.memberRows(c, ctx, groupIds, MEMBER_BATCH + 1));
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
        const chunk = await run.read((c) => this.memberRows(c, ctx, [id], MEMBER_BATCH, after));
        for (const row of chunk) members.push(row.member);
        if (chunk.length < MEMBER_BATCH) break;
        after = chunk[chunk.length - 1]!.member.value;
      }
      yield { id, members };
    }
  }

  /** Membership rows of `groupIds` with each member's display, by group then member id. */
  private async memberRows(
    c: Conn,
    ctx: StoreContext,
    groupIds: readonly string[],
    limit?: number,
    after?: string,
  ): Promise<{ groupId: string; member: Member }[]> {
    const p = this.d.params();
    const tenant = p.add(ctx.tenant);
    const which =
      groupIds.length === 1 ? `m.group_id = ${p.add(groupIds[0])}` : this.d.inList(p, "m.group_id", groupIds);
    const sql =
      `SELECT m.group_id, m.member_id, m.member_type, COALESCE(u.display, g.display) AS display FROM ${this.table("memberships")} m` +
      ` LEFT JOIN ${this.table("users")} u ON m.member_type = 'User' AND u.tenant = m.tenant AND u.id = m.member_id` +
      ` LEFT JOIN ${this.table("groups")} g ON m.member_type = 'Group' AND g.tenant = m.tenant AND g.id = m.member_id` +
      ` WHERE m.tenant = ${tenant} AND ${which}${after === undefined ? "" : ` AND m.member_id > ${p.add(after)}`}` +
      ` ORDER BY m.group_id, m.member_id${limit === undefined ? "" : ` LIMIT ${p.add(limit)}`}`;
    return (await c.all(sql, p)).map((row) => {
      const member: Member = { value: String(row.member_id), type: row.member_type === "Group" ? "Group" : "User" };
      if (typeof row.display === "string") member.display = row.display;
      return { groupId: String(row.group_id), member };
    });
  }

  async query(c: Conn, kind: Kind, ctx: StoreContext, q: Query): Promise<QueryResult> {
    const where = (p: ReturnType<StoreDialect["params"]>) => {
      const tenant = p.add(ctx.tenant);
      return q.filter
        ? `t.tenant = ${tenant} AND ${compileFilter(q.filter, { dialect: this.d, params: p, kind, alias: "t", tenant })}`
        : `t.tenant = ${tenant}`;
    };
    const counted = async () => {
      const p = this.d.params();
      const { n } = onlyRow(await c.all(`SELECT COUNT(*) AS n FROM ${this.table(kind)} t WHERE ${where(p)}`, p));
      return Number(n);
    };
    if (q.keyset) {
      const page = await this.keysetPage(c, kind, q, q.keyset.after, where);
      // A short first page is the whole result: its length is the exact total.
      const whole = q.keyset.after === undefined && page.items.length < q.count;
      return { total: whole ? page.items.length : await counted(), ...page };
    }
    // No table reaches 2^53 rows, and no database binds a larger OFFSET: such a page is empty.
    if (q.count <= 0 || !Number.isSafeInteger(q.startIndex)) return { total: await counted(), items: [] };
    const p = this.d.params();
    let sql: string;
    const indexed = q.sort && indexedOrder(q.sort, { dialect: this.d, params: p, kind, alias: "t" });
    if (indexed) {
      sql = `SELECT ${COLUMNS} FROM ${this.table(kind)} t WHERE ${where(p)} ORDER BY ${indexed}`;
    } else if (q.sort) {
      const keys = compileSortKeys(q.sort, { dialect: this.d, params: p, kind, alias: "t" });
      const inner = `SELECT ${COLUMNS}, t.seq, ${keys.num} AS sort_num, ${keys.txt} AS sort_txt FROM ${this.table(kind)} t WHERE ${where(p)}`;
      sql = `SELECT * FROM (${inner}) s ORDER BY ${orderBy("s", q.sort.descending, this.d)}`;
    } else {
      sql = `SELECT ${COLUMNS} FROM ${this.table(kind)} t WHERE ${where(p)} ORDER BY t.seq`;
    }
    sql += ` LIMIT ${p.add(q.count)} OFFSET ${p.add(q.startIndex - 1)}`;
    const items = (await c.all(sql, p)).map((row) => this.stored(row));
    // A short page that is not empty (or the first page) ends the result: it tells the exact
    // total, so a lookup or a small list is one statement and not two.
    if (items.length < q.count && (items.length > 0 || q.startIndex === 1))
      return { total: q.startIndex - 1 + items.length, items };
    return { total: await counted(), items };
  }

  /**
   * RFC 9865: the page after a position, by seeking (never OFFSET). Unsorted, the position is the
   * row's seq and the (tenant, seq) index serves it; sorted, it is the row's place in orderBy's
   * order (keysetAfter), computed over the filtered rows.
   */
  private async keysetPage(
    c: Conn,
    kind: Kind,
    q: Query,
    after: unknown,
    where: (p: ReturnType<StoreDialect["params"]>) => string,
  ): Promise<Pick<QueryResult, "items" | "positions">> {
    if (q.count <= 0) return { items: [], positions: [] };
    const p = this.d.params();
    let sql: string;
    if (q.sort) {
      const keys = compileSortKeys(q.sort, { dialect: this.d, params: p, kind, alias: "t" });
      // A bare NULL has no type in PostgreSQL, and COALESCE over it would not know one.
      const num = keys.num === "NULL" ? "CAST(NULL AS NUMERIC)" : keys.num;
      const txt = keys.txt === "NULL" ? "CAST(NULL AS TEXT)" : keys.txt;
      const inner = `SELECT ${COLUMNS}, t.seq, ${num} AS sort_num, ${txt} AS sort_txt FROM ${this.table(kind)} t WHERE ${where(p)}`;
      const keyed = `SELECT s.*, ${keysetColumns("s")} FROM (${inner}) s`;
      const test = after ? ` WHERE ${keysetAfter("k", q.sort.descending, after as KeysetPosition, this.d, p)}` : "";
      sql = `SELECT * FROM (${keyed}) k${test} ORDER BY ${orderBy("k", q.sort.descending, this.d)}`;
    } else {
      // A bare parameter takes the column's type, so the (tenant, seq) index serves the seek.
      const test = after ? ` AND t.seq > ${p.add((after as [number])[0])}` : "";
      sql = `SELECT ${COLUMNS}, t.seq FROM ${this.table(kind)} t WHERE ${where(p)}${test} ORDER BY t.seq`;
    }
    const rows = await c.all(`${sql} LIMIT ${p.add(q.count)}`, p);
    const positions = rows.map((row) =>
      q.sort
        ? [Number(row.k_m), Number(row.k_b), Number(row.k_n), String(row.k_t), Number(row.seq)]
        : [Number(row.seq)],
    );
    return { items: rows.map((row) => this.stored(row)), positions };
  }

  async replace(
    c: Conn,
    kind: Kind,
    ctx: StoreContext,
    id: string,
    record: AppRecord,
    opts: RecordWriteOptions,
  ): Promise<Stored> {
    const p = this.d.params();
    const columns = extracted(kind, record);
    const sets = [
      "version = version + 1",
      `last_modified = ${this.d.time(p, new Date())}`,
      `record = ${this.d.json(p, record)}`,
      ...Object.entries(columns).map(([name, v]) => `${name} = ${p.add(v)}`),
    ];
    const sql = `UPDATE ${this.table(kind)} AS t SET ${sets.join(", ")} WHERE ${this.target(p, ctx, id, opts)} RETURNING ${RETURNING}`;
    const [row] = await this.uniqueness(kind, c.all(sql, p));
    if (!row) throw await this.why(c, kind, ctx, id);
    if (kind === "groups" && opts.members) await this.setMembers(c, ctx, id, opts.members);
    return this.stored(row);
  }

  async delete(c: Conn, kind: Kind, ctx: StoreContext, id: string, opts: WriteOptions): Promise<void> {
    // Groups that lose a member get a new version (a stale ETag would answer If-None-Match with
    // 304). Their rows are locked before the deleted row, the order member changes take (group
    // first, then its members).
    const touched = new Set(await this.touchGroupsOf(c, ctx, id));
    const p = this.d.params();
    const deleted = await c.run(`DELETE FROM ${this.table(kind)} AS t WHERE ${this.target(p, ctx, id, opts)}`, p);
    if (deleted === 0) throw await this.why(c, kind, ctx, id);
    const q = this.d.params();
    const tenant = q.add(ctx.tenant);
    const me = q.add(id);
    const left = await c.all(
      `DELETE FROM ${this.table("memberships")} WHERE tenant = ${tenant} AND (member_id = ${me} OR group_id = ${me}) RETURNING group_id, member_id`,
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

  /** `tenant = $ AND id = $ [AND version = $]`: the If-Match check is part of the write. */
  private target(p: ReturnType<StoreDialect["params"]>, ctx: StoreContext, id: string, opts: WriteOptions): string {
    const base = `t.tenant = ${p.add(ctx.tenant)} AND t.id = ${p.add(id)}`;
    return opts.ifVersion === undefined ? base : `${base} AND t.version = ${p.add(versionOf(opts.ifVersion))}`;
  }

  /** After a write touched no row: 404 when the row is absent, else its version moved on (412). */
  private async why(c: Conn, kind: Kind, ctx: StoreContext, id: string): Promise<ScimError> {
    const p = this.d.params();
    const rows = await c.all(
      `SELECT 1 AS x FROM ${this.table(kind)} t WHERE t.tenant = ${p.add(ctx.tenant)} AND t.id = ${p.add(id)}`,
      p,
    );
    return rows.length === 0 ? resourceNotFound(id) : preconditionFailed();
  }

  /** New version of a group (and a lock on its row until the transaction ends). */
  async touchGroup(c: Conn, ctx: StoreContext, groupId: string, opts: WriteOptions): Promise<void> {
    const p = this.d.params();
    const sql = `UPDATE ${this.table("groups")} AS t SET version = version + 1, last_modified = ${this.d.time(p, new Date())} WHERE ${this.target(p, ctx, groupId, opts)}`;
    if ((await c.run(sql, p)) === 0) throw await this.why(c, "groups", ctx, groupId);
  }

  /** New versions of the groups `memberId` belongs to, locked in id order (two deletes never cross). */
  private async touchGroupsOf(c: Conn, ctx: StoreContext, memberId: string): Promise<string[]> {
    const p = this.d.params();
    const tenant = p.add(ctx.tenant);
    const me = p.add(memberId);
    const select =
      `SELECT g.id FROM ${this.table("groups")} g WHERE g.tenant = ${tenant} AND g.id <> ${me}` +
      ` AND g.id IN (SELECT m.group_id FROM ${this.table("memberships")} m WHERE m.tenant = ${tenant} AND m.member_id = ${me}) ORDER BY g.id${this.d.forUpdate}`;
    const ids = (await c.all(select, p)).map((row) => String(row.id));
    if (ids.length === 0) return ids;
    const q = this.d.params();
    const sql = `UPDATE ${this.table("groups")} SET version = version + 1, last_modified = ${this.d.time(q, new Date())} WHERE tenant = ${q.add(ctx.tenant)} AND ${this.d.inList(q, "id", ids)}`;
    await c.run(sql, q);
    return ids;
  }

  /** Adds members (idempotent), refusing unknown ids before anything is written. */
  async insertMembers(c: Conn, ctx: StoreContext, groupId: string, members: Member[]): Promise<void> {
    await this.assertMembersExist(c, ctx, members);
    await this.addMemberRows(c, ctx, groupId, members);
  }

  async setMembers(c: Conn, ctx: StoreContext, groupId: string, members: Member[]): Promise<void> {
    await this.assertMembersExist(c, ctx, members);
    await this.deleteMembers(
      c,
      ctx,
      groupId,
      unique(members).map((m) => m.value),
      true,
    );
    await this.addMemberRows(c, ctx, groupId, members);
  }

  /** Deletes the listed members, or (`except`) every member not listed. */
  async deleteMembers(c: Conn, ctx: StoreContext, groupId: string, ids: string[], except: boolean): Promise<void> {
    if (ids.length === 0 && !except) return;
    const p = this.d.params();
    const listed = this.d.inList(p, "member_id", ids);
    const sql = `DELETE FROM ${this.table("memberships")} WHERE tenant = ${p.add(ctx.tenant)} AND group_id = ${p.add(groupId)} AND ${except ? `NOT ${listed}` : listed}`;
    await c.run(sql, p);
  }

  private async addMemberRows(c: Conn, ctx: StoreContext, groupId: string, members: Member[]): Promise<void> {
    const list = unique(members);
    if (list.length === 0) return;
    const p = this.d.params();
    const rows = this.d.pairs(
      p,
      list.map((m) => [m.value, m.type] as const),
      "w",
    );
    const sql =
      `INSERT INTO ${this.table("memberships")} (tenant, group_id, member_id, member_type)` +
      ` SELECT ${p.add(ctx.tenant)}, ${p.add(groupId)}, w.id, w.type FROM ${rows} WHERE 1 = 1 ON CONFLICT DO NOTHING`;
    await c.run(sql, p);
  }

  /**
   * Unknown ids (or ids of another tenant) fail the whole operation with 400 invalidValue.
   * The rows found stay locked against deletion until commit (PostgreSQL: FOR KEY SHARE), so a
   * member deleted concurrently cannot leave a membership behind.
   */
  private async assertMembersExist(c: Conn, ctx: StoreContext, members: Member[]): Promise<void> {
    const list = unique(members);
    if (list.length === 0) return;
    const found = new Set<string>();
    for (const kind of ["users", "groups"] as const) {
      const ids = list.filter((m) => (m.type === "Group") === (kind === "groups")).map((m) => m.value);
      if (ids.length === 0) continue;
      const p = this.d.params();
      const sql = `SELECT t.id FROM ${this.table(kind)} t WHERE t.tenant = ${p.add(ctx.tenant)} AND ${this.d.inList(p, "t.id", ids)}${this.d.keyShare}`;
      for (const row of await c.all(sql, p)) found.add(String(row.id));
    }
    const missing = list.filter((m) => !found.has(m.value));
    if (missing.length > 0) throw unknownMembers(missing.map((m) => m.value));
  }

  /** The groups of each of `memberIds` (User.groups), in one statement. */
  async groupsOfMany(c: Conn, ctx: StoreContext, memberIds: readonly string[]): Promise<Map<string, GroupRef[]>> {
    const out = new Map<string, GroupRef[]>();
    if (memberIds.length === 0) return out;
    const p = this.d.params();
    const tenant = p.add(ctx.tenant);
    const which =
      memberIds.length === 1 ? `m.member_id = ${p.add(memberIds[0])}` : this.d.inList(p, "m.member_id", memberIds);
    const sql =
      `SELECT m.member_id, g.id, g.display FROM ${this.table("memberships")} m JOIN ${this.table("groups")} g ON g.tenant = m.tenant AND g.id = m.group_id` +
      ` WHERE m.tenant = ${tenant} AND ${which} ORDER BY m.member_id, g.seq`;
    for (const row of await c.all(sql, p)) {
      const group: GroupRef = { id: String(row.id) };
      if (typeof row.display === "string") group.display = row.display;
      listOf(out, String(row.member_id)).push(group);
    }
    return out;
  }
}

function listOf<T>(map: Map<string, T[]>, key: string): T[] {
  const list = map.get(key) ?? [];
  if (list.length === 0) map.set(key, list);
  return list;
}

/** One entry per member id (the last one wins, as in a Map). */
function unique(members: Member[]): Member[] {
  return [...new Map(members.map((m) => [m.value, m])).values()];
}
