/** Everything the memory store keeps for one tenant, and the synchronous operations on it. */
import { randomUUID } from "node:crypto";
import { resourceNotFound, preconditionFailed, unknownMembers } from "../../protocol/errors";
import { evaluate } from "../../protocol/filter/evaluate";
import { compareSortKeys, sortKeyOf } from "../../protocol/filter/sort";
import { fold } from "../../values/fold";
import type { Member } from "../../schema/types";
import type {
  AppRecord,
  GroupRef,
  MemberPage,
  Position,
  Query,
  QueryResult,
  RecordWriteOptions,
  Stored,
  UniqueKey,
  WriteOptions,
} from "../types";
import { candidates } from "./candidates";
import { pathKey } from "./indexes";
import { evaluateGroup, isMemberPath, type MemberIndex } from "./member-filter";
import { Memberships } from "./memberships";
import type { Place, SortedIndex } from "./sorted";
import type { Row } from "./row";
import { Table, type Journal } from "./table";
import { viewOf } from "./view";
import { cloneJson } from "../../values/json";

export type Kind = "users" | "groups";

/** The unique keys of one tenant's users and groups, as the memory store enforces them. */
export interface TenantConfig {
  users: UniqueKey[];
  groups: UniqueKey[];
}

/**
 * Not unique, looked up on every sync: externalId (Entra, Okta), and the e-mail addresses Entra
 * (`emails[type eq "work"].value eq`) and OneLogin (`emails.value eq`) match identities by; the
 * work budget admits those at any size, so unindexed they would scan every user.
 */
export const LOOKUPS = [["externalId"], ["emails", "value"]];

/** Identity, version and dates of a new row. */
export type Stamp = () => Pick<Row, "id" | "version" | "created" | "lastModified">;
export const freshStamp: Stamp = () => {
  const now = new Date();
  return { id: randomUUID(), version: 1, created: now, lastModified: now };
};

export class TenantData {
  readonly tables: Record<Kind, Table>;
  readonly memberships = new Memberships();

  constructor(
    config: TenantConfig,
    private readonly stamp: Stamp = freshStamp,
  ) {
    this.tables = { users: new Table(config.users, LOOKUPS), groups: new Table(config.groups, LOOKUPS) };
  }

  private stored(kind: Kind, row: Row, withMembers = false): Stored {
    const out: Stored = {
      id: row.id,
      version: String(row.version),
      created: row.created,
      lastModified: row.lastModified,
      record: cloneJson(row.record),
    };
    if (kind === "groups" && withMembers) out.members = this.members(row.id);
    return out;
  }

  /** The group's members by value; with `page`, only those after `page.after`, at most `page.count`. */
  members(groupId: string, page?: MemberPage): Member[] {
    const ids = this.memberships.sortedMembersOf(groupId);
    const types = this.memberships.membersOf(groupId);
    const from = page?.after === undefined ? 0 : firstAfter(ids, page.after);
    const out: Member[] = [];
    for (const value of page ? ids.slice(from, from + page.count) : ids) {
      const type = types.get(value) ?? "User";
      const member: Member = { value, type };
      const display = this.displayOf(value, type);
      if (display !== undefined) member.display = display;
      out.push(member);
    }
    return out;
  }

  private readonly memberIndex: MemberIndex = {
    membersOf: (groupId) => this.memberships.membersOf(groupId),
    has: (groupId, memberId) => this.memberships.has(groupId, memberId),
    displayOf: (id, type) => this.displayOf(id, type),
  };

  private displayOf(id: string, type: Member["type"]): string | undefined {
    const record = this.tables[type === "User" ? "users" : "groups"].rows.get(id)?.record;
    const name = record?.displayName ?? record?.userName;
    return typeof name === "string" ? name : undefined;
  }

  private row(kind: Kind, id: string, opts?: WriteOptions): Row {
    const row = this.tables[kind].rows.get(id);
    if (!row) throw resourceNotFound(id);
    if (opts?.ifVersion !== undefined && opts.ifVersion !== String(row.version)) {
      throw preconditionFailed();
    }
    return row;
  }

  /** A new version of a row: same id and created, the next version, now as lastModified. */
  private touch(kind: Kind, row: Row, journal: Journal, record = row.record): Row {
    const next = { ...row, version: row.version + 1, lastModified: new Date(), record };
    this.tables[kind].update(next, journal);
    return next;
  }

  create(kind: Kind, record: AppRecord, opts: RecordWriteOptions, journal: Journal): Stored {
    const table = this.tables[kind];
    const row: Row = { ...this.stamp(), record: cloneJson(record), seq: table.nextSeq() };
    if (opts.members) this.assertMembersExist(opts.members);
    table.insert(row, journal);
    if (opts.members) this.setMembers(row.id, opts.members, journal);
    return this.stored(kind, row);
  }

  get(kind: Kind, id: string, withMembers: boolean): Stored | null {
    const row = this.tables[kind].rows.get(id);
    return row ? this.stored(kind, row, withMembers) : null;
  }

  query(kind: Kind, q: Query): QueryResult {
    const table = this.tables[kind];
    // Without a filter, a sorted index (or insertion order) hands out the page from its place.
    const walk = q.filter ? undefined : q.sort ? table.sortedBy(q.sort) : table.order;
    if (walk) return this.walked(kind, walk, q);
    const start = q.keyset ? 0 : q.startIndex - 1;
    const ids = q.filter ? candidates(q.filter, (path, value, op) => this.lookup(kind, path, value, op)) : undefined;
    let rows = ids ? [...ids].map((id) => table.rows.get(id)).filter((r): r is Row => !!r) : [...table.rows.values()];
    this.reads += rows.length;
    const members = kind === "groups" ? (row: Row) => () => this.members(row.id) : undefined;
    const views = new Map(rows.map((row) => [row, viewOf(row, members?.(row))]));
    const filter = q.filter;
    // Member paths read the membership index, never a built member list (a list per group).
    if (filter)
      rows = rows.filter((row) =>
        kind === "groups"
          ? evaluateGroup(filter, views.get(row), row.id, this.memberIndex)
          : evaluate(filter, views.get(row)),
      );
    const total = rows.length;
    const spec = q.sort;
    const keys = new Map(rows.map((row) => [row, spec ? sortKeyOf(views.get(row), spec) : undefined]));
    const descending = !!spec?.descending;
    // Ties in insertion order, so paging under a sort is stable (and matches the sorted walks).
    const compare = (a: Place, b: Place) => compareSortKeys(a.key, b.key, descending) || a.seq - b.seq;
    const place = (row: Row): Place => ({ key: keys.get(row), seq: row.seq });
    rows.sort((a, b) => compare(place(a), place(b)));
    const after = q.keyset?.after === undefined ? undefined : fromPosition(q.keyset.after);
    if (after) rows = rows.filter((row) => compare(place(row), after) > 0);
    const page = rows.slice(start, start + Math.max(0, q.count));
    return this.result(kind, total, page, q.keyset ? page.map(place) : undefined);
  }

  /** Rows read by queries since the store was made: what a test counts instead of timing. */
  reads = 0;

  /** A page read in index order from its place: O(page) rows for a cursor, never the table. */
  private walked(kind: Kind, index: SortedIndex, q: Query): QueryResult {
    const table = this.tables[kind];
    const count = Math.max(0, q.count);
    const page: Row[] = [];
    const places: Place[] = [];
    if (count > 0) {
      const after = q.keyset?.after === undefined ? undefined : fromPosition(q.keyset.after);
      const descending = !!q.sort?.descending;
      const skip = q.keyset ? 0 : q.startIndex - 1;
      // Ascending from the start, a page is found by position; a descending one is walked to.
      const entries = descending || after ? index.walk(descending, after) : index.forward(skip);
      let skipping = descending ? skip : 0;
      for (const entry of entries) {
        if (skipping > 0) {
          skipping--;
          continue;
        }
        const row = table.rows.get(entry.id);
        this.reads++;
        if (!row) continue;
        page.push(row);
        places.push({ key: entry.key, seq: entry.seq });
        if (page.length >= count) break;
      }
    }
    return this.result(kind, table.rows.size, page, q.keyset ? places : undefined);
  }

  private result(kind: Kind, total: number, rows: Row[], places: Place[] | undefined): QueryResult {
    const items = rows.map((r) => this.stored(kind, r));
    return places ? { total, items, positions: places.map(toPosition) } : { total, items };
  }

  /** Candidates for `path eq value`: by id, by a lookup index, or (groups) by the membership index. */
  private lookup(kind: Kind, path: readonly string[], value: string, op: "eq" | "sw"): ReadonlySet<string> | undefined {
    if (op === "sw") {
      // Every string starts with "", the empty one too, which the sorted index keys as missing.
      if (value === "") return undefined;
      const index = this.tables[kind].prefixIndex(path);
      return index ? new Set(index.prefixed(fold(value))) : undefined;
    }
    if (path.length === 1 && path[0] === "id") return new Set([value]);
    if (kind === "groups" && path.length === 2 && isMemberPath(path) && path[1] === "value") {
      // Member ids are generated lower-case; the literal may not be (members.value is not caseExact).
      return new Set([...this.memberships.groupsOf(value), ...this.memberships.groupsOf(value.toLowerCase())]);
    }
    return this.tables[kind].lookups.get(pathKey(path))?.candidates(value);
  }

  replace(kind: Kind, id: string, record: AppRecord, opts: RecordWriteOptions, journal: Journal): Stored {
    const row = this.row(kind, id, opts);
    if (opts.members) this.assertMembersExist(opts.members);
    const next = this.touch(kind, row, journal, cloneJson(record));
    if (opts.members) this.setMembers(id, opts.members, journal);
    return this.stored(kind, next);
  }

  delete(kind: Kind, id: string, opts: WriteOptions, journal: Journal): void {
    this.row(kind, id, opts);
    for (const groupId of this.memberships.forget(id, journal)) this.touchGroup(groupId, journal);
    this.tables[kind].drop(id, journal);
  }

  addMembers(groupId: string, members: Member[], opts: WriteOptions, journal: Journal): void {
    const group = this.row("groups", groupId, opts);
    this.assertMembersExist(members);
    for (const m of members) this.memberships.add(groupId, m.value, m.type, journal);
    this.touch("groups", group, journal);
  }

  removeMembers(groupId: string, ids: string[], opts: WriteOptions, journal: Journal): void {
    const group = this.row("groups", groupId, opts);
    for (const id of ids) this.memberships.remove(groupId, id, journal);
    this.touch("groups", group, journal);
  }

  replaceMembers(groupId: string, members: Member[], opts: WriteOptions, journal: Journal): void {
    const group = this.row("groups", groupId, opts);
    this.assertMembersExist(members);
    this.setMembers(groupId, members, journal);
    this.touch("groups", group, journal);
  }

  groupsOfMany(memberIds: readonly string[]): Map<string, GroupRef[]> {
    return new Map(memberIds.map((id) => [id, this.groupsOf(id)]));
  }

  groupsOf(memberId: string): GroupRef[] {
    return [...this.memberships.groupsOf(memberId)].map((id) => {
      const display = this.displayOf(id, "Group");
      return display === undefined ? { id } : { id, display };
    });
  }

  private setMembers(groupId: string, members: Member[], journal: Journal): void {
    const wanted = new Set(members.map((m) => m.value));
    for (const id of [...this.memberships.membersOf(groupId).keys()]) {
      if (!wanted.has(id)) this.memberships.remove(groupId, id, journal);
    }
    for (const m of members) this.memberships.add(groupId, m.value, m.type, journal);
  }

  private touchGroup(groupId: string, journal: Journal): void {
    const row = this.tables.groups.rows.get(groupId);
    if (row) this.touch("groups", row, journal);
  }

  /** Checked before any write, so a bad id leaves nothing half-done. */
  private assertMembersExist(members: Member[]): void {
    const missing = members.filter((m) => !this.tables[m.type === "Group" ? "groups" : "users"].rows.has(m.value));
    if (missing.length > 0) throw unknownMembers(missing.map((m) => m.value));
  }
}

/** A place as a store position: [key, seq] (a missing key is null; keys are numbers or strings). */
function toPosition(place: Place): Position {
  return [place.key ?? null, place.seq];
}

function fromPosition(position: Position): Place {
  const [key, seq] = position as [string | number | null, number];
  return { key: key ?? undefined, seq };
}

/** Index of the first id greater than `after` in sorted `ids` (binary search). */
function firstAfter(ids: readonly string[], after: string): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((ids[mid] as string) <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}
