/**
 * The store contract: what a persistence layer must do for express-scim, and nothing more.
 * Stores persist app records (already mapped), never HTTP; the service layer owns SCIM rules.
 */
import type { TokenRegistry } from "../auth/registry";
import type { ResolvedFilter } from "../protocol/filter/ast";

/** Carried into every store call. A store must never return or touch another tenant's data. */
export interface StoreContext {
  tenant: string;
}

/** A plain JSON object: the app's shape of a user or group. */
export type AppRecord = Record<string, unknown>;

export interface Member {
  value: string;
  type: "User" | "Group";
  /** The member's displayName (groups) or displayName/userName (users), when the store knows it. */
  display?: string;
}

export interface Stored {
  id: string;
  /** Opaque; changes on every write. Rendered as a weak ETag. */
  version: string;
  created: Date;
  lastModified: Date;
  record: AppRecord;
  /** Groups only, and only when asked for with `{ members: true }`. */
  members?: Member[];
}

export interface SortSpec {
  /** Keys into the record, as for filters (`["name", "familyName"]`); `["meta","lastModified"]`, `["id"]` too. */
  path: string[];
  /** Multi-valued attributes sort by their primary element's `path` sub-attribute. */
  multiValued: boolean;
  caseExact: boolean;
  descending: boolean;
}

export interface Query {
  filter?: ResolvedFilter;
  sort?: SortSpec;
  /** 1-based, as in SCIM. */
  startIndex: number;
  /** 0 is legal and asks for the total only. */
  count: number;
}

export interface WriteOptions {
  /** Optimistic concurrency: fail with 412 unless the stored version is this one. */
  ifVersion?: string;
}

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

export interface ResourceStore {
  /** Throws ScimError 409 `uniqueness` when a unique key is taken. */
  create(ctx: StoreContext, record: AppRecord, opts?: RecordWriteOptions): Promise<Stored>;
  get(ctx: StoreContext, id: string, opts?: { members?: boolean }): Promise<Stored | null>;
  query(ctx: StoreContext, q: Query): Promise<{ total: number; items: Stored[] }>;
  /** Throws 404 when absent, 412 on a version mismatch, 409 on a uniqueness clash. */
  replace(ctx: StoreContext, id: string, record: AppRecord, opts?: RecordWriteOptions): Promise<Stored>;
  /** Throws 404 when absent, 412 on a version mismatch. Deleting a user drops its memberships. */
  delete(ctx: StoreContext, id: string, opts?: WriteOptions): Promise<void>;
}

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
  groupsOf(ctx: StoreContext, memberId: string): Promise<{ id: string; display?: string }[]>;
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
}

export interface IndexedPath {
  path: readonly string[];
  /** The comparison the index serves: case-folded (false), exact (true), or both (undefined). */
  caseExact?: boolean;
}

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
}
