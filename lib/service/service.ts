/**
 * The SCIM semantics of one resource type: what create, replace, patch, delete and query mean,
 * over any store. HTTP never reaches here; stores never see SCIM rules.
 */
import type { HookContext, Hooks, ResourceHooks } from "../hooks/types";
import { debugFilter, debugPatch, filterForDebug, patchPathForDebug } from "../debug";
import type { ResourceMapping } from "../mapping/types";
import type { Logger } from "../logger";
import type { Tolerances } from "../profiles/tolerances";
import {
  ScimError,
  alreadyExists,
  notFound,
  invalidValue,
  tooMany,
  preconditionFailed,
  resourceNotFound,
} from "../protocol/errors";
import { changedAttributes } from "../protocol/changes";
import { memberOf } from "../values/json";
import { cursorScope, openCursor, sealCursor, type CursorKeys } from "./cursor";
import { cursorPage, listPage, type ListPage } from "../protocol/list";
import { parseFilter } from "../protocol/filter";
import { parseMembers, type PatchOperation } from "../protocol/patch";
import { project, wants, type Projection } from "../protocol/projection";
import { normalizeResource } from "../schema/normalize";
import { MAX_INDEXED_LENGTH, overLong, unstorable } from "../values/text";
import type { ResourceTypeDef } from "../schema/types";
import type { Member } from "../schema/types";
import type { AppRecord, Position, Query, QueryResult, ResourceStore, Store, Stored } from "../stores/types";
import { checkBudget, isIdentityMatch } from "./budget";
import type { Limits, ServiceContext } from "./context";
import { parseListRequest, parseProjection, type ListRequest, type ReadParams } from "./queries";
import { render, type Related } from "./render";
import { Recorder, type EventSettings } from "./recorder";
import { withRetry } from "./retry";
import { matchesNoneMatch, requiredVersion } from "./versions";

/** A parsed list request; `filter: false` when it can match nothing (a root search's narrowed filter). */
export type PageRequest = Omit<ListRequest, "filter"> & { filter?: ListRequest["filter"] | false };

export interface Resource {
  body: Record<string, unknown>;
  version: string;
}

/** If-None-Match named the current version: the router answers 304, which still names it (RFC 9110 15.4.5). */
export interface NotModified {
  notModified: true;
  version: string;
}

export interface ServiceOptions {
  store: Store;
  /** SCIM resource <-> app record for this resource type (identity when none is configured). */
  mapping: ResourceMapping;
  limits: Limits;
  strictExtensions: boolean;
  hooks?: Hooks;
  /** Groups: drop (default) or refuse member ids that name no user or group of the tenant. */
  unknownMembers?: "reject" | "skip";
  /** Where operational warnings go (skipped member ids); the router passes the host's logger. */
  warn?: (obj: object, msg: string) => void;
  /** Told when a read after a committed write fails (the answer is then built from the write). */
  logger?: Logger;
  /** Users only: the attribute that identifies a user to the app; with "externalId" it is required and unique. */
  identity?: "userName" | "externalId";
  /** How RFC 9865 cursors are signed and timed. */
  cursors: CursorKeys;
  /** With a store that has an outbox: record each write's events in its transaction (docs/events.md). */
  events?: EventSettings;
}

/** Called by a write between its read and its write, with the version read: runs the before-hook, or checks it. */
export type Gate = (version: string, hook: () => unknown) => Promise<void>;

/** Ends the hook's round of `hooked` before anything is written. */
const STOP: unique symbol = Symbol("hook ran");

export abstract class ResourceService {
  constructor(
    readonly rt: ResourceTypeDef,
    /** Which half of the store, the hooks and the events this service speaks for. */
    private readonly kind: "users" | "groups",
    protected readonly options: ServiceOptions,
  ) {}

  protected get table(): ResourceStore {
    return this.options.store[this.kind];
  }

  /** This resource type's table in another store (a transaction's). */
  protected tableOf(store: Store): ResourceStore {
    return store[this.kind];
  }

  protected get hooks(): ResourceHooks | undefined {
    return this.options.hooks?.[this.kind];
  }

  /**
   * What the representation computes (User.groups, Group.members) for each of `items`, in
   * order, when the projection keeps it: one store call for a whole page (./related.ts).
   */
  protected abstract related(
    ctx: ServiceContext,
    items: readonly Stored[],
    projection: Projection,
  ): AsyncIterable<Related>;
  protected abstract wantsMembers(projection: Projection): boolean;

  protected async present(ctx: ServiceContext, stored: Stored, projection: Projection): Promise<Resource> {
    let related: Related = {};
    for await (const one of this.related(ctx, [stored], projection)) related = one;
    return { body: project(this.rt, this.view(ctx, stored, related), projection), version: stored.version };
  }

  /** `table` defaults to this service's; inside a transaction pass the transaction's. */
  protected async load(ctx: ServiceContext, id: string, members = false, table = this.table): Promise<Stored> {
    // An id no store can hold names nothing, on every store (PostgreSQL cannot even look it up).
    if (unstorable(id)) throw notFound(`${this.rt.name} not found: the id is not one this server issues.`);
    const stored = await table.get(ctx, id, { members });
    if (!stored) throw resourceNotFound(id, this.rt.name);
    return stored;
  }

  /**
   * The answer to a write that has committed. If the read that completes it fails (a member
   * list, User.groups), the answer is `fallback`, built from what the write itself returned, and
   * the failure is logged: a committed write is never reported as failed, or the IdP would retry
   * a no-op and never see its success.
   */
  protected async settled<T>(read: () => Promise<T>, fallback: () => T): Promise<T> {
    try {
      return await read();
    } catch (err) {
      this.options.logger?.error(
        { err },
        `${this.rt.name} written; the read that follows failed, answering from the write`,
      );
      return fallback();
    }
  }

  /** NotModified when If-None-Match names the current version (the router answers 304). */
  async get(
    ctx: ServiceContext,
    id: string,
    params: ReadParams,
    ifNoneMatch?: string,
  ): Promise<Resource | NotModified> {
    const projection = parseProjection(this.rt, params);
    const stored = await this.load(ctx, id, this.wantsMembers(projection));
    if (matchesNoneMatch(ifNoneMatch, stored.version)) return { notModified: true, version: stored.version };
    return this.present(ctx, stored, projection);
  }

  /** The page's resources are rendered as the response is written (ListPage), never held whole. */
  async list(ctx: ServiceContext, params: ReadParams): Promise<ListPage<Record<string, unknown>>> {
    const request = parseListRequest(this.rt, params, this.options.limits);
    if (debugFilter.enabled) {
      // Parsed again only when the namespace is on: the line shows the shape, not the values.
      const shape =
        typeof params.filter === "string" && request.filter
          ? filterForDebug(parseFilter(params.filter, this.options.limits.filter))
          : "none";
      debugFilter("%s list: filter %s", this.rt.name, shape);
    }
    if (request.paging.cursor !== undefined) return this.cursorList(ctx, request, request.paging.cursor);
    const { total, items } = await this.find(ctx, request);
    return listPage(total, request.paging, items.length, this.rendered(ctx, items, request.projection));
  }

  /**
   * RFC 9865: one page by cursor. A store that can seek (`costs.keyset`) gets the position the
   * previous page ended at; any other store gets an offset, so cursors work on every store. One
   * row more than the page is read, so the last page carries no nextCursor.
   */
  private async cursorList(
    ctx: ServiceContext,
    request: ListRequest,
    cursor: string,
  ): Promise<ListPage<Record<string, unknown>>> {
    const keys = this.options.cursors;
    const scope = cursorScope([this.rt.name, ctx.tenant, request.filter ?? null, request.sort ?? null]);
    const at = cursor === "" ? undefined : openCursor(keys, scope, cursor);
    const { count } = request.paging;
    const keyset = !!this.options.store.costs?.keyset;
    const offset = at && "i" in at ? at.i : 0;
    const window: Pick<Query, "startIndex" | "count" | "keyset"> = keyset
      ? { startIndex: 1, count: count + 1, keyset: at && "k" in at ? { after: at.k as Position } : {} }
      : { startIndex: offset + 1, count: count + 1 };
    const { total, items, positions } = await this.find(ctx, request, window);
    const more = count > 0 && items.length > count;
    const page = items.slice(0, count);
    let next: string | undefined;
    if (more && keyset) {
      const position = positions?.[count - 1];
      if (position === undefined) throw new TypeError("The store declares costs.keyset but returned no positions.");
      next = sealCursor(keys, scope, { k: position });
    } else if (more) next = sealCursor(keys, scope, { i: offset + count });
    return cursorPage(total, page.length, next, this.rendered(ctx, page, request.projection));
  }

  /**
   * One page of this type for a parsed request (`filter: false` matches nothing). Each resource
   * comes projected (`body`) and whole (`view`), so a search from the service root can order
   * several types by one attribute; that page is held whole, within `limits.maxCount`.
   */
  async page(
    ctx: ServiceContext,
    request: PageRequest,
  ): Promise<{ total: number; items: { view: Record<string, unknown>; body: Record<string, unknown> }[] }> {
    const { total, items } = await this.find(ctx, request);
    const resources = [];
    let i = 0;
    for await (const related of this.related(ctx, items, request.projection)) {
      const view = this.view(ctx, items[i++]!, related);
      resources.push({ view, body: project(this.rt, view, request.projection) });
    }
    return { total, items: resources };
  }

  /** The stored records of one page; filters and sorts are resolved in SCIM terms, then moved to the app record's terms. */
  private async find(
    ctx: ServiceContext,
    request: PageRequest,
    window: Pick<Query, "startIndex" | "count" | "keyset"> = request.paging,
  ): Promise<QueryResult> {
    const { mapping } = this.options;
    const filter = request.filter === false ? false : request.filter ? mapping.mapFilter(request.filter) : true;
    debugFilter("%s page: filter %s", this.rt.name, typeof filter === "boolean" ? filter : "pushed to the store");
    if (filter === false) return { total: 0, items: [] };
    const query = {
      ...(filter !== true ? { filter } : {}),
      ...(request.sort ? { sort: mapping.mapSort(request.sort) } : {}),
      startIndex: window.startIndex,
      count: window.count,
      ...(window.keyset ? { keyset: window.keyset } : {}),
    };
    // Priced before any store runs it (issue 13): over the budget is 400 tooMany.
    const identityMatch = !!request.filter && isIdentityMatch(request.filter);
    await checkBudget(
      this.options.store,
      this.kind,
      ctx,
      { ...query, identityMatch },
      this.options.limits.queryBudget,
      this.rt.name,
    );
    return this.table.query(ctx, query);
  }

  /**
   * The page's computed attributes come from batch reads (a bounded number of statements
   * whatever the page size), none at all when the projection drops them
   * (`excludedAttributes=members`, `attributes=userName`). Member lists arrive group by group, so
   * each resource is written before the next group's members are held.
   */
  private async *rendered(
    ctx: ServiceContext,
    items: Stored[],
    projection: Projection,
  ): AsyncGenerator<Record<string, unknown>> {
    let i = 0;
    for await (const related of this.related(ctx, items, projection))
      yield project(this.rt, this.view(ctx, items[i++]!, related), projection);
  }

  async delete(ctx: ServiceContext, id: string, ifMatch?: string): Promise<void> {
    ctx.report.id = id;
    await withRetry(ifMatch === undefined, () =>
      this.hooked(
        ctx,
        "beforeDelete",
        async (store, gate, rec) => {
          const table = this.tableOf(store);
          const current = await this.load(ctx, id, false, table);
          const ifVersion = requiredVersion(ifMatch, current.version);
          await gate(current.version, () =>
            this.hooks?.beforeDelete?.({ ...this.hookContext(ctx, store), id, current: this.view(ctx, current) }),
          );
          await table.delete(ctx, id, ifVersion === undefined ? {} : { ifVersion });
          rec.resource(this.kind === "users" ? "user.deleted" : "group.deleted", { id });
        },
        false,
      ),
    );
  }

  /**
   * A uniqueness clash, told in SCIM's terms: the store names its own column (under a mapping,
   * the app's), which is nothing the identity provider should see.
   */
  private async unique<T>(write: Promise<T>): Promise<T> {
    try {
      return await write;
    } catch (error) {
      if (!(error instanceof ScimError) || error.scimType !== "uniqueness") throw error;
      const keys =
        this.kind === "groups"
          ? ["displayName"]
          : ["userName", ...(this.options.identity === "externalId" ? ["externalId"] : [])];
      throw alreadyExists(this.rt.name, keys);
    }
  }

  /** The outbox's settings when this router records events there (the store has one, and it is on). */
  private get durable(): EventSettings | undefined {
    return this.options.store.outbox ? this.options.events : undefined;
  }

  /**
   * Runs a write and its before-hook: in one store transaction when `hooks.transactional` asks
   * for it, when the write's events go to the outbox (they must commit with it), and always when
   * `force`, for multi-step writes; otherwise directly. The events `fn` records reach the
   * request's report once the write committed.
   */
  protected async guarded<T>(
    ctx: ServiceContext,
    fn: (store: Store, rec: Recorder) => Promise<T>,
    force = false,
  ): Promise<T> {
    const store = this.options.store;
    const settings = this.durable;
    const wanted = force || !!this.options.hooks?.transactional || !!settings;
    let rec = this.recorder(ctx);
    const attempt = async (s: Store) => {
      // A transaction retried by the store runs fn again: only the last attempt's events count.
      rec = this.recorder(ctx);
      const result = await fn(s, rec);
      if (settings && rec.envelopes.length > 0) await s.outbox?.append(ctx, rec.envelopes, settings.sinks);
      return result;
    };
    const result = await this.unique(wanted && store.transaction ? store.transaction(attempt) : attempt(store));
    rec.commit();
    return result;
  }

  protected recorder(ctx: ServiceContext): Recorder {
    return new Recorder(ctx, this.rt.name === "Group" ? "Group" : "User", this.durable);
  }

  /**
   * A read-modify-write with a before-hook, in one store transaction. With `hooks.transactional`
   * the hook runs inside it. Without, the hook must not hold the transaction open (on memory and
   * SQLite an open transaction blocks every other request, and a slow hook would hold it): the
   * hook runs first, outside any transaction, on a read of its own, and `body` stops at the gate;
   * the transaction then runs `body` again and writes only if the resource is still at the
   * version the hook saw. If it moved, 412: `withRetry` then runs it all again, hook included,
   * unless the client pinned a version with If-Match. The hook always saw what is written.
   */
  protected async hooked<T>(
    ctx: ServiceContext,
    name: keyof ResourceHooks,
    body: (store: Store, gate: Gate, rec: Recorder) => Promise<T>,
    force = true,
  ): Promise<T> {
    const transactional = !!this.options.hooks?.transactional;
    // A single write (force false) without an outbox runs outside any transaction, hook included, as it always has.
    const inTransaction = force || !!this.durable;
    if (transactional || !this.hooks?.[name] || !inTransaction)
      return this.guarded(ctx, (store, rec) => body(store, async (_version, hook) => void (await hook()), rec), force);
    let approved: string | undefined;
    try {
      // Returning here means body stopped before any write (nothing to change).
      return await body(
        this.options.store,
        async (version, hook) => {
          await hook();
          approved = version;
          throw STOP;
        },
        this.recorder(ctx),
      );
    } catch (error) {
      if (error !== STOP) throw error;
    }
    return this.guarded(
      ctx,
      (store, rec) =>
        body(
          store,
          async (version) => {
            if (version !== approved) throw preconditionFailed("The resource changed while the request was processed.");
          },
          rec,
        ),
      true,
    );
  }

  protected hookContext(ctx: ServiceContext, store: Store): HookContext {
    return { tenant: ctx.tenant, principal: ctx.principal, store };
  }

  /** The client's resource, cleaned: canonical names and types, server-owned attributes dropped. */
  protected normalize(ctx: ServiceContext, body: unknown): Record<string, unknown> {
    return normalizeResource(this.rt, body, {
      strictExtensions: this.options.strictExtensions,
      ...this.tolerance(ctx),
    });
  }

  /** The quirks the request's client profile tolerates (docs/clients.md); every one without a profile. */
  protected tolerance(ctx: ServiceContext): { tolerate?: Tolerances } {
    return ctx.profile ? { tolerate: ctx.profile.tolerances } : {};
  }

  /** Operations by name and path only: PATCH values can hold passwords. */
  protected logPatch(id: string, operations: readonly PatchOperation[]): void {
    if (!debugPatch.enabled) return;
    debugPatch(
      "%s %s: %s",
      this.rt.name,
      id,
      operations.map((o) => `${o.op} ${o.path ? patchPathForDebug(o.path) : "(no path)"}`).join("; ") ||
        "no operations",
    );
  }

  /** The app record for a new resource. */
  protected record(resource: Record<string, unknown>): AppRecord {
    return this.options.mapping.toRecord(indexable(resource));
  }

  /** The app record after `resource` replaces `current`: unmapped app values are kept. */
  protected replacement(current: Stored, resource: Record<string, unknown>): AppRecord {
    return this.options.mapping.merge(current.record, this.options.mapping.toRecord(indexable(resource)));
  }

  /** A stored row as SCIM sees it (also what events and hooks show: no computed or secret attributes). */
  protected view(ctx: ServiceContext, stored: Stored, related: Related = {}): Record<string, unknown> {
    return render(this.rt, this.options.mapping, stored, ctx, related);
  }

  /** SCIM attribute names whose values differ between two stored versions. */
  protected changed(before: Stored, after: Stored): string[] {
    const { mapping } = this.options;
    return changedAttributes(this.rt, mapping.fromRecord(before.record), mapping.fromRecord(after.record));
  }

  /**
   * Members named in the client's body, checked for shape and count before any store call.
   * Read from the raw body: normalisation drops valueless multi-valued entries (Okta's empty
   * emails), which for members would silently turn a bad list into an empty group.
   */
  protected membersOf(body: unknown): Member[] | undefined {
    const raw =
      typeof body === "object" && body !== null && !Array.isArray(body)
        ? memberOf(body as Record<string, unknown>, "members")
        : undefined;
    if (raw === null) return [];
    if (raw === undefined) return undefined;
    if (!Array.isArray(raw)) throw invalidValue("members must be an array.");
    if (raw.length > this.options.limits.maxMembersPerRequest) {
      throw tooMany(
        `At most ${this.options.limits.maxMembersPerRequest} members may be written in one request; use PATCH for more.`,
      );
    }
    return parseMembers(raw, "members");
  }

  protected wants(projection: Projection, path: string[]): boolean {
    return wants(this.rt, projection, path);
  }
}

/**
 * userName, displayName and externalId are indexed by every SQL store, and PostgreSQL refuses
 * index entries over 2,704 bytes: the same limit on every store, checked on what is written
 * (after a PATCH as after a POST), so one store never answers 500 where another answers 201.
 */
function indexable(resource: Record<string, unknown>): Record<string, unknown> {
  const long = overLong(resource);
  if (long) {
    throw invalidValue(`${long.attribute} is ${long.length} characters long; the limit is ${MAX_INDEXED_LENGTH}.`);
  }
  return resource;
}
