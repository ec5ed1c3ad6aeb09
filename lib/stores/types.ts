/**
 * The store contract: what a persistence layer must do for express-scim, and nothing more.
 * Stores persist app records (already mapped), never HTTP; the service layer owns SCIM rules.
 */
import type { TokenRegistry } from "../auth/registry";
import type { ResolvedFilter, SortSpec } from "../protocol/filter/ast";
import type { Member } from "../schema/types";
import type { Outbox } from "./outbox";

/** Carried into every store call. A store must never return or touch another tenant's data. */
export interface StoreContext {
  tenant: string;
}

/** A plain JSON object: the app's shape of a user or group. */
export type AppRecord = Record<string, unknown>;

/** A record as stored, with its id, version and timestamps. */
export interface Stored {
  id: string;
  /** Opaque; changes on every write. Rendered as a weak ETag. */
  version: string;
  created: Date;
  lastModified: Date;
  record: AppRecord;
  /** Groups only, and only when asked for with `{ members: true }`; ordered by `value`. */
  members?: Member[];
}

/** A list request as a store receives it: a resolved filter, a sort and a page. */
export interface Query {
  filter?: ResolvedFilter;
  sort?: SortSpec;
  /** 1-based, as in SCIM. */
  startIndex: number;
  /** 0 is legal and asks for the total only. */
  count: number;
  /**
   * RFC 9865 cursor paging, for stores that declare `costs.keyset`: read the page that follows
   * `after` (a position this store returned in `positions`; none for the first page) in the
   * query's order, by seeking to it, never by counting the rows before it. `startIndex` is then 1.
   * The order must be total (the sort key, then a unique tie-breaker) and must not depend on the
   * page: a row that exists throughout a walk is returned exactly once.
   */
  keyset?: { after?: Position };
}

/**
 * A place in a query's order, made by the store (JSON). The service signs it into a cursor and
 * hands it back unchanged, so a store may read it without checking its shape.
 */
export type Position = string | number | boolean | null | Position[] | { [key: string]: Position };

/** What `query` answers: one page, the total, and (keyset queries) where each item sits. */
export interface QueryResult {
  total: number;
  items: Stored[];
  /** With `keyset`: one position per item, each naming the place just after that item. */
  positions?: Position[];
}

/** Options of every write. */
export interface WriteOptions {
  /** Optimistic concurrency: fail with 412 unless the stored version is this one. */
  ifVersion?: string;
}

/** Options of a record write: a version check and, for groups, the whole member list. */
export interface RecordWriteOptions extends WriteOptions {
  /**
   * Groups only: the whole member list, written in the same step as the record. Unknown ids
   * fail the whole write with ScimError 400 `invalidValue`. Undefined leaves members as they are.
   */
  members?: Member[];
}

/**
 * Attributes whose values must be unique within a tenant, compared case-insensitively unless
 * `caseExact`. Declared by the service so that stores can enforce them (SQL: unique indexes).
 */
export interface UniqueKey {
  path: string[];
  caseExact: boolean;
}

/** Create, read, query, replace and delete for one resource type. */
export interface ResourceStore {
  /** Throws ScimError 409 `uniqueness` when a unique key is taken. */
  create(ctx: StoreContext, record: AppRecord, opts?: RecordWriteOptions): Promise<Stored>;
  /** The record with `id`, or null; `members: true` asks for a group's members too. */
  get(ctx: StoreContext, id: string, opts?: { members?: boolean }): Promise<Stored | null>;
  /** One page of matching records and the total count (and, for keyset queries, each item's position). */
  query(ctx: StoreContext, q: Query): Promise<QueryResult>;
  /** Throws 404 when absent, 412 on a version mismatch, 409 on a uniqueness clash. */
  replace(ctx: StoreContext, id: string, record: AppRecord, opts?: RecordWriteOptions): Promise<Stored>;
  /** Throws 404 when absent, 412 on a version mismatch. Deleting a user drops its memberships. */
  delete(ctx: StoreContext, id: string, opts?: WriteOptions): Promise<void>;
}

/** Group memberships, changed by deltas so a large group is never rewritten whole. */
export interface MemberStore {
  /**
   * Idempotent; costs O(members.length), not O(group size). When some member ids name no user
   * or group of the tenant, nothing is written and ScimError 400 `invalidValue` names them.
   * Bumps the group's version and lastModified.
   */
  addMembers(ctx: StoreContext, groupId: string, members: Member[], opts?: WriteOptions): Promise<void>;
  /** Idempotent: removing a non-member is not an error. */
  removeMembers(ctx: StoreContext, groupId: string, ids: string[], opts?: WriteOptions): Promise<void>;
  /** Same contract as addMembers for unknown ids. */
  replaceMembers(ctx: StoreContext, groupId: string, members: Member[], opts?: WriteOptions): Promise<void>;
  /** For User.groups (readOnly, computed). */
  groupsOf(ctx: StoreContext, memberId: string): Promise<GroupRef[]>;
  /**
   * User.groups of a whole list page in one call (ids absent from the map belong to no group).
   * Optional: without it the service calls `groupsOf` once per listed user.
   */
  groupsOfMany?(ctx: StoreContext, memberIds: readonly string[]): Promise<Map<string, GroupRef[]>>;
  /**
   * The members of a list page of groups: each of `groupIds` once, in that order (no members: an
   * empty list), read in as few calls as the store can while holding about one group's members
   * at a time, so a page of large groups is never held whole. Optional: without it the service
   * reads each listed group with `get(..., { members: true })`.
   */
  membersOfMany?(ctx: StoreContext, groupIds: readonly string[]): AsyncIterable<GroupMembers>;
  /**
   * Optional: at most `count` members of the group in the order `get` lists them (by `value`),
   * those after the member `after` when given; `[]` for an unknown group. Lets a group of
   * 200,000 members be read and written out a chunk at a time. Without it the service reads the
   * whole list through `get` (memory then holds the group's members for the request).
   */
  membersPage?(ctx: StoreContext, groupId: string, page: MemberPage): Promise<Member[]>;
}

/** One group's members, as `membersOfMany` yields them. */
export interface GroupMembers {
  id: string;
  members: Member[];
}

/** Keyset paging of one group's members: `after` is the `value` of the last member already read. */
export interface MemberPage {
  after?: string;
  count: number;
}

/** A group a member belongs to, as User.groups shows it. */
export interface GroupRef {
  id: string;
  display?: string;
}

/**
 * What a store tells the work budget (lib/service/budget.ts) before a list runs, so the service
 * can refuse a query that would scan too much. Optional: without it a store is priced as having
 * no index but `id` and 10,000 records per tenant.
 */
export interface QueryCosts {
  /** Record paths whose `eq` the store answers from an index, without a scan (`id` always is). */
  indexed(kind: "users" | "groups"): readonly IndexedPath[];
  /** Sort keys the store reads along an index, so a page costs its length, not the tenant's size. */
  sorted?(kind: "users" | "groups"): readonly IndexedPath[];
  /** Records of one kind in the tenant (what a scan reads), for stores that can count them cheaply. */
  size?(ctx: StoreContext, kind: "users" | "groups"): Promise<number>;
  /** Work to read one record in a scan, in units of one comparison. Default 1. */
  recordCost?: number;
  /**
   * The store answers `Query.keyset` (RFC 9865 cursors by seeking). Without it, cursors still
   * work but carry an offset, and each page costs what `startIndex` paging to it costs.
   */
  keyset?: boolean;
}

/** A record path the store has an index on, for pricing queries fairly. */
export interface IndexedPath {
  path: readonly string[];
  /** The comparison the index serves: case-folded (false), exact (true), or both (undefined). */
  caseExact?: boolean;
  /** The index also serves `sw` (it is ordered, so a prefix is a range of it). */
  prefix?: boolean;
  /** The index also serves `gt`, `ge`, `lt` and `le` (ordered by the attribute's value). */
  range?: boolean;
}

/** The persistence contract: users, groups and memberships, per tenant. */
export interface Store {
  users: ResourceStore;
  groups: ResourceStore & MemberStore;
  /**
   * Called once when a router is built: which attributes are unique. A store that cannot
   * enforce them must throw a TypeError so the mistake shows at start-up.
   */
  configure?(config: { users: UniqueKey[]; groups: UniqueKey[] }): void;
  /** Runs fn so that all its writes land or none do. */
  transaction?<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  /**
   * Resolves once the store can serve requests, or rejects saying what to do (the SQL stores:
   * an unmigrated database). Routers ask once when they are built, so the mistake shows at start-up.
   */
  ready?(): Promise<void>;
  /** Indexes and sizes for the work budget; see QueryCosts. */
  costs?: QueryCosts;
  /** Issued tokens kept beside the data (the SQL stores have one): `scim({ tokens: [store.tokens] })`. */
  tokens?: TokenRegistry;
  /**
   * Durable events (docs/events.md): with it, every write records its events in its own
   * transaction and delivery runs from here; without it, listeners are called after the write.
   */
  outbox?: Outbox;
}
