/**
 * The memory store: the reference implementation of the store contract, for tests, demos and
 * single-process apps that can afford to lose data on restart. Indexed, so lookups by id,
 * unique keys and externalId do not scan, and member changes cost O(change).
 */
import type { Store, StoreContext, UniqueKey } from "../types";
import { Lock } from "../lock";
import { memoryOutbox, OutboxData } from "./outbox";
import type { Journal } from "./table";
import { freshStamp, LOOKUPS, type Stamp, TenantData, type TenantConfig } from "./tenant";

/** Options of `memoryStore`. */
export interface MemoryStoreOptions {
  /** Unique keys for stores used without a router (the router calls `configure`). */
  unique?: Partial<TenantConfig>;
}

/** Finds a tenant's data; `create` alone may allocate it (every other call reads or 404s). */
type TenantOf = (ctx: StoreContext, allocate?: boolean) => TenantData;
type Runner = <T>(op: (tenant: TenantOf, journal: Journal) => T) => Promise<T>;

/** What a memory store holds, for tests (an internal seam, not public API). */
export interface MemoryStoreStats {
  tenants: number;
  /** Rows list queries have read, over all tenants: what a test counts instead of timing. */
  reads: number;
}
const stats = new WeakMap<Store, () => MemoryStoreStats>();
export function inspectMemoryStore(store: Store): MemoryStoreStats {
  const read = stats.get(store);
  if (!read) throw new TypeError("inspectMemoryStore: not a memory store.");
  return read();
}

/** A store in process memory: for development, tests and single-process apps. */
export function memoryStore(options: MemoryStoreOptions = {}): Store {
  return stampedMemoryStore(options, freshStamp);
}

/** A memory store whose new rows take their id, version and dates from `stamp` (the kit's reference). */
export function stampedMemoryStore(options: MemoryStoreOptions, stamp: Stamp): Store {
  const config: TenantConfig = {
    users: [...(options.unique?.users ?? [])],
    groups: [...(options.unique?.groups ?? [])],
  };
  const tenants = new Map<string, TenantData>();
  const lock = new Lock();
  // The tenant comes from the request (a path segment, say): reading an unknown one must not
  // leave anything behind, or any client could grow the process one tenant name at a time.
  // Reads and non-create writes of an unknown tenant see one shared empty tenant, which they
  // cannot change: every write but create first looks its row up and 404s.
  let empty: TenantData | undefined;
  const tenant: TenantOf = (ctx, allocate = false) => {
    const found = tenants.get(ctx.tenant);
    if (found) return found;
    if (!allocate) {
      empty ??= new TenantData(config, stamp);
      return empty;
    }
    const data = new TenantData(config, stamp);
    tenants.set(ctx.tenant, data);
    return data;
  };
  const outside: Runner = (op) => lock.run(() => op(tenant, () => {}));
  const store = facade(outside);
  const outbox = new OutboxData();
  store.outbox = memoryOutbox(outbox, (op) => outside((_, journal) => op(journal)));
  stats.set(store, () => ({
    tenants: tenants.size,
    reads: [...tenants.values()].reduce((n, t) => n + t.reads, 0),
  }));
  store.configure = (keys) => {
    const users = dedupe([...config.users, ...keys.users]);
    const groups = dedupe([...config.groups, ...keys.groups]);
    const grew = users.length > config.users.length || groups.length > config.groups.length;
    // Indexes are built as rows arrive; a key added later would not cover the rows already there.
    if (grew && tenants.size > 0)
      throw new TypeError("memoryStore: configure() must be called before the store holds data.");
    Object.assign(config, { users, groups });
  };
  // Every index folds case and the filter is still evaluated on its hits, so it serves both comparisons.
  store.costs = {
    // Insertion order and the sorted indexes (sorted.ts) seek to a cursor's position.
    keyset: true,
    // A case-insensitive unique key also has a sorted index of its folded values, which serves sw.
    indexed: (kind) => [
      ...config[kind].map((k) => ({ path: k.path, prefix: !k.caseExact })),
      ...LOOKUPS.map((path) => ({ path })),
    ],
    // Read without creating the tenant: pricing a query allocates nothing.
    size: async (ctx, kind) => tenants.get(ctx.tenant)?.tables[kind].rows.size ?? 0,
    // A scan builds a view of every record (record, id, meta) before testing it: measured at
    // about twenty comparisons' worth per record (bench/budget.js).
    recordCost: 20,
  };
  store.transaction = (fn) =>
    lock.run(async () => {
      const undo: (() => void)[] = [];
      const inside: Runner = async (op) => op(tenant, (step) => undo.push(step));
      const scoped = facade(inside);
      scoped.transaction = (inner) => inner(scoped);
      scoped.outbox = memoryOutbox(outbox, (op) => inside((_, journal) => op(journal)));
      try {
        return await fn(scoped);
      } catch (error) {
        for (const step of undo.reverse()) step();
        throw error;
      }
    });
  return store;
}

function dedupe(keys: UniqueKey[]): UniqueKey[] {
  const seen = new Map(keys.map((k) => [k.path.join("."), k]));
  return [...seen.values()];
}

function facade(run: Runner): Store {
  const resource = (kind: "users" | "groups") => ({
    create: (ctx: StoreContext, record: Record<string, unknown>, opts = {}) =>
      run((t, j) => t(ctx, true).create(kind, record, opts, j)),
    get: (ctx: StoreContext, id: string, opts: { members?: boolean } = {}) =>
      run((t) => t(ctx).get(kind, id, !!opts.members)),
    query: (ctx: StoreContext, q: Parameters<TenantData["query"]>[1]) => run((t) => t(ctx).query(kind, q)),
    replace: (ctx: StoreContext, id: string, record: Record<string, unknown>, opts = {}) =>
      run((t, j) => t(ctx).replace(kind, id, record, opts, j)),
    delete: (ctx: StoreContext, id: string, opts = {}) => run((t, j) => t(ctx).delete(kind, id, opts, j)),
  });
  return {
    users: resource("users"),
    groups: {
      ...resource("groups"),
      addMembers: (ctx, groupId, members, opts = {}) => run((t, j) => t(ctx).addMembers(groupId, members, opts, j)),
      removeMembers: (ctx, groupId, ids, opts = {}) => run((t, j) => t(ctx).removeMembers(groupId, ids, opts, j)),
      replaceMembers: (ctx, groupId, members, opts = {}) =>
        run((t, j) => t(ctx).replaceMembers(groupId, members, opts, j)),
      groupsOf: (ctx, memberId) => run((t) => t(ctx).groupsOf(memberId)),
      groupsOfMany: (ctx, memberIds) => run((t) => t(ctx).groupsOfMany(memberIds)),
      // One group per turn of the lock: other requests run between two large groups.
      membersOfMany: async function* (ctx, groupIds) {
        for (const id of groupIds) yield { id, members: await run((t) => t(ctx).members(id)) };
      },
      membersPage: (ctx, groupId, page) => run((t) => t(ctx).members(groupId, page)),
    },
  };
}
