/**
 * Groups: members live in the member store, never inside the record, so a group of 200,000
 * members is renamed, or gains one member, without its member list being read or written.
 */
import { ScimError, tooMany } from "../protocol/errors";
import type { ResolvedFilter } from "../protocol/filter/ast";
import { applyPatch, netMemberChange, parsePatchRequest, type NetMemberChange } from "../protocol/patch";
import { memberCursor, type MemberPaging } from "../protocol/member-page";
import { elementProjection, project, type Projection } from "../protocol/projection";
import type { ResourceTypeDef } from "../schema/types";
import type { MemberStore, Store, Stored, WriteOptions } from "../stores/types";
import type { ServiceContext } from "./context";
import { parseProjection, type ReadParams } from "./queries";
import { membersOfPage } from "./related";
import { renderMember, type Related } from "./render";
import { withRetry } from "./retry";
import { deepEqual } from "../values/json";
import type { Recorder } from "./recorder";
import { ResourceService, type NotModified, type Resource, type ServiceOptions } from "./service";
import { matchesNoneMatch, requiredVersion } from "./versions";
import type { Member } from "../schema/types";

interface MemberDiff {
  added: string[];
  removed: string[];
}

/** Skipped ids shown in one log line; the event and the audit record carry the full count. */
const SKIPPED_PREVIEW = 10;
const SKIPPED_ID_CHARS = 64;
/** Attempts of one write under "skip": as sent, without the unknown ids, once more if one vanished meanwhile. */
const SKIP_ROUNDS = 3;
const LOOKUP_CHUNK = 100;
/** Members read per store call while a group body is written: about 200 KB of JSON. */
const MEMBER_CHUNK = 1000;

/** A group as GET answers it; with `members`, the body's member list is still to be read and written. */
export interface GroupRead extends Resource {
  /** Projected member elements, chunk by chunk, for `body.members`. */
  members?: AsyncIterable<unknown[]>;
  /** A paged member read that stopped short of the end: where the next page starts. */
  nextCursor?: string;
}

export class GroupService extends ResourceService {
  constructor(rt: ResourceTypeDef, options: ServiceOptions) {
    super(rt, "groups", options);
  }

  protected wantsMembers(projection: Projection): boolean {
    return this.wants(projection, ["members"]);
  }

  protected async *related(
    ctx: ServiceContext,
    items: readonly Stored[],
    projection: Projection,
  ): AsyncGenerator<Related> {
    if (!this.wantsMembers(projection)) {
      for (const _ of items) yield {};
      return;
    }
    for await (const { members } of membersOfPage(this.options.store, ctx, items)) yield { members };
  }

  /**
   * GET /Groups/{id}. Without members in the projection no member is read. With them, and a
   * store that pages members, the body's members are read MEMBER_CHUNK at a time as the router
   * writes them (`members`), so a group of 200,000 members never sits whole in memory. The body
   * is then not a snapshot: a member change while it is written may or may not show, but a
   * member there throughout appears once. `paging` reads one page of the member list instead.
   */
  async read(
    ctx: ServiceContext,
    id: string,
    params: ReadParams,
    paging: MemberPaging | undefined,
    ifNoneMatch?: string,
  ): Promise<GroupRead | NotModified> {
    const projection = parseProjection(this.rt, params);
    const members = this.wantsMembers(projection);
    const groups = this.options.store.groups;
    const pager = groups.membersPage?.bind(groups);
    if (members && !paging && !pager) return this.get(ctx, id, params, ifNoneMatch);
    const stored = await this.load(ctx, id, false);
    if (matchesNoneMatch(ifNoneMatch, stored.version)) return { notModified: true, version: stored.version };
    if (!members) return this.present(ctx, stored, projection);
    const element = elementProjection(this.rt, projection, "members");
    const body = project(this.rt, this.view(ctx, stored, { members: [] }), projection);
    const rendered = (list: Member[]) => list.map((m) => element(renderMember(ctx, m)));
    if (paging) {
      const page = await this.memberPage(ctx, id, paging, pager);
      const more = page.length > paging.count;
      const shown = more ? page.slice(0, paging.count) : page;
      body.members = rendered(shown);
      const last = shown[shown.length - 1];
      return { body, version: stored.version, ...(more && last ? { nextCursor: memberCursor(last.value) } : {}) };
    }
    return { body, version: stored.version, members: this.memberChunks(ctx, id, pager!, rendered) };
  }

  private async *memberChunks(
    ctx: ServiceContext,
    id: string,
    pager: NonNullable<MemberStore["membersPage"]>,
    rendered: (list: Member[]) => unknown[],
  ): AsyncGenerator<unknown[]> {
    let after: string | undefined;
    for (;;) {
      const chunk = await pager(
        ctx,
        id,
        after === undefined ? { count: MEMBER_CHUNK } : { after, count: MEMBER_CHUNK },
      );
      yield rendered(chunk);
      if (chunk.length < MEMBER_CHUNK) return;
      after = chunk[chunk.length - 1]!.value;
    }
  }

  /** One more member than asked for, to tell whether a next page exists. */
  private async memberPage(
    ctx: ServiceContext,
    id: string,
    paging: MemberPaging,
    pager: MemberStore["membersPage"],
  ): Promise<Member[]> {
    const count = paging.count + 1;
    if (pager) return pager(ctx, id, paging.after === undefined ? { count } : { after: paging.after, count });
    // A store without membersPage: the whole list, ordered and cut here (one order for every page).
    const all = (await this.load(ctx, id, true)).members ?? [];
    const after = paging.after;
    const sorted = [...all].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return (after === undefined ? sorted : sorted.filter((m) => m.value > after)).slice(0, count);
  }

  async create(ctx: ServiceContext, body: unknown, projection: Projection): Promise<Resource> {
    const resource = this.normalize(ctx, body);
    const asked = this.membersOf(body) ?? [];
    const {
      result: { stored, members },
    } = await this.skipping(ctx, (keep, skipped) =>
      this.hooked(
        ctx,
        "beforeCreate",
        async (store, gate, rec) => {
          await gate("", () => this.hooks?.beforeCreate?.({ ...this.hookContext(ctx, store), resource }));
          const members = keep(asked);
          const stored = await store.groups.create(ctx, this.record(resource), { members });
          const view = this.view(ctx, stored);
          rec.resource("group.created", { id: stored.id, resource: view }, { after: view });
          this.membersChanged(ctx, rec, stored.id, { added: members.map((m) => m.value), removed: [] });
          this.membersSkipped(ctx, rec, stored.id, skipped);
          return { stored, members };
        },
        false,
      ),
    );
    ctx.report.id = stored.id;
    return this.settled(
      async () => this.present(ctx, await this.load(ctx, stored.id, this.wantsMembers(projection)), projection),
      () => this.fromWrite(ctx, stored, members, projection),
    );
  }

  /** RFC 7644 3.5.1: PUT replaces; a PUT without `members` leaves the group empty. */
  async replace(
    ctx: ServiceContext,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    projection: Projection,
  ): Promise<Resource> {
    const resource = this.normalize(ctx, body);
    const asked = this.membersOf(body) ?? [];
    ctx.report.id = id;
    const {
      result: { after, members },
    } = await withRetry(ifMatch === undefined, () =>
      this.skipping(ctx, (keep, skipped) =>
        this.hooked(ctx, "beforeReplace", async (store, gate, rec) => {
          const members = keep(asked);
          // A PUT carries the whole member list, so reading the old one costs no more than the request.
          const current = await this.load(ctx, id, true, store.groups);
          const ifVersion = requiredVersion(ifMatch, current.version);
          const record = this.replacement(current, resource);
          const diff = diffMembers(current.members ?? [], members);
          // The same group pushed again (Okta's custom SAML app re-sends it whole): nothing to write.
          if (deepEqual(record, current.record) && isEmpty(diff) && sameTypes(current.members ?? [], members))
            return { after: current, members };
          await gate(current.version, () =>
            this.hooks?.beforeReplace?.({
              ...this.hookContext(ctx, store),
              id,
              resource,
              current: this.view(ctx, current),
            }),
          );
          const stored = await store.groups.replace(ctx, id, record, {
            members,
            ...(ifVersion === undefined ? {} : { ifVersion }),
          });
          this.recordChanged(ctx, rec, current, stored);
          this.membersChanged(ctx, rec, id, diff);
          this.membersSkipped(ctx, rec, id, skipped);
          return { after: stored, members };
        }),
      ),
    );
    return this.settled(
      async () => this.present(ctx, await this.load(ctx, id, this.wantsMembers(projection)), projection),
      () => this.fromWrite(ctx, after, members, projection),
    );
  }

  /**
   * Returns the resource only when the client asked for attributes: by default a group PATCH
   * answers 204 (Entra prefers it) and never ships a member list nobody asked for.
   */
  async patch(
    ctx: ServiceContext,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    projection: Projection | undefined,
  ): Promise<Resource | null> {
    const operations = parsePatchRequest(body, {
      maxOperations: this.options.limits.maxOperations,
      filter: this.options.limits.filter,
      ...this.tolerance(ctx),
    });
    ctx.report.id = id;
    this.logPatch(id, operations);
    await withRetry(ifMatch === undefined, () =>
      this.skipping(ctx, (keep, skipped) =>
        this.hooked(ctx, "beforePatch", async (store, gate, rec) => {
          const current = await this.load(ctx, id, false, store.groups);
          const ifVersion = requiredVersion(ifMatch, current.version);
          const currentResource = this.view(ctx, current);
          const { resource, changed, members } = applyPatch(this.rt, currentResource, operations, {
            filter: this.options.limits.filter,
            ...this.tolerance(ctx),
          });
          const net = netMemberChange(members);
          this.checkMemberCount(net.replace ?? net.add);
          const kept = { ...net, add: keep(net.add), ...(net.replace ? { replace: keep(net.replace) } : {}) };
          // Adds of members the group has and removes of non-members (JumpCloud repeats adds) change nothing.
          const change = await this.effective(store, ctx, id, kept);
          if (changed.length === 0 && change === undefined) return;
          await gate(current.version, () =>
            this.hooks?.beforePatch?.({
              ...this.hookContext(ctx, store),
              id,
              operations,
              resource,
              current: currentResource,
            }),
          );
          // The record write carries the version read, so a concurrent rename is not lost.
          const after =
            changed.length > 0
              ? await store.groups.replace(ctx, id, this.replacement(current, resource), {
                  ifVersion: ifVersion ?? current.version,
                })
              : current;
          const pinned: WriteOptions = changed.length === 0 && ifVersion !== undefined ? { ifVersion } : {};
          const diff = change ? await this.applyMembers(store, ctx, id, change, pinned) : { added: [], removed: [] };
          this.recordChanged(ctx, rec, current, after);
          this.membersChanged(ctx, rec, id, diff);
          this.membersSkipped(ctx, rec, id, skipped);
        }),
      ),
    );
    if (!projection) return null;
    // RFC 7644 3.5.2: 204 is always a valid answer to a PATCH, and needs no read.
    return this.settled(
      async () => this.present(ctx, await this.load(ctx, id, this.wantsMembers(projection)), projection),
      () => null,
    );
  }

  /**
   * A written group with the member list as written: ids and types, without the display names
   * a read would add. Its version is the write's; a later member change moves it on.
   */
  private fromWrite(ctx: ServiceContext, stored: Stored, members: Member[], projection: Projection): Resource {
    return { body: project(this.rt, this.view(ctx, stored, { members }), projection), version: stored.version };
  }

  /**
   * The member change that really changes something, or undefined: JumpCloud repeats adds of
   * members the group has, Okta re-sends removals. RFC 7644 3.5.2.1: "no changes SHOULD be made",
   * so such a request keeps the version and ETag and emits nothing. Only the named ids are looked
   * up (their groups, one store call), never the group's member list. A replace is compared with
   * the old list where it is written (applyMembers).
   */
  private async effective(
    store: Store,
    ctx: ServiceContext,
    id: string,
    change: NetMemberChange,
  ): Promise<NetMemberChange | undefined> {
    if (change.replace) return change;
    const named = [...change.add.map((m) => m.value), ...change.remove];
    if (named.length === 0) return undefined;
    const member = await this.membership(store, ctx, id, named);
    const add = change.add.filter((m) => !member.has(m.value));
    const remove = change.remove.filter((m) => member.has(m));
    return add.length === 0 && remove.length === 0 ? undefined : { add, remove };
  }

  /** Which of `ids` are members of group `id`, by the groups each id belongs to. */
  private async membership(store: Store, ctx: ServiceContext, id: string, ids: string[]): Promise<Set<string>> {
    const unique = [...new Set(ids)];
    const groups = store.groups;
    if (groups.groupsOfMany) {
      const of = await groups.groupsOfMany(ctx, unique);
      return new Set(unique.filter((m) => (of.get(m) ?? []).some((g) => g.id === id)));
    }
    // One call at a time: a transaction's store may be one connection with savepoints (a host's
    // store), which cannot take statements side by side.
    const member = new Set<string>();
    for (const m of unique) if ((await groups.groupsOf(ctx, m)).some((g) => g.id === id)) member.add(m);
    return member;
  }

  private async applyMembers(
    store: Store,
    ctx: ServiceContext,
    id: string,
    change: NetMemberChange,
    pinned: WriteOptions,
  ): Promise<MemberDiff> {
    if (change.replace) {
      const merged = new Map(change.replace.map((m) => [m.value, m]));
      for (const m of change.add) merged.set(m.value, m);
      for (const gone of change.remove) merged.delete(gone);
      // A replace is the one member change that needs the old list, to say who left.
      const old = (await this.load(ctx, id, true, store.groups)).members ?? [];
      const diff = diffMembers(old, [...merged.values()]);
      // Okta's pathless replace of the list the group already has changes nothing.
      if (isEmpty(diff) && sameTypes(old, [...merged.values()])) return diff;
      await store.groups.replaceMembers(ctx, id, [...merged.values()], pinned);
      return diff;
    }
    if (change.add.length > 0) await store.groups.addMembers(ctx, id, change.add, pinned);
    if (change.remove.length > 0)
      await store.groups.removeMembers(ctx, id, change.remove, change.add.length > 0 ? {} : pinned);
    return { added: change.add.map((m) => m.value), removed: change.remove };
  }

  /**
   * With `unknownMembers: "skip"` (the default), member ids that name nothing in the tenant are
   * dropped instead of failing the request with 400 invalidValue: Okta reads a 4xx as final and
   * would never retry the rest of the push. The write is tried as sent (a push of known members
   * costs no look-up); only when the store refuses it (400 invalidValue, nothing written) are the
   * ids it was given looked up, and the write runs again without those that name nothing. A
   * member deleted between look-up and write is caught by the next round. Any other 400 stands,
   * and under "reject" the store's 400 is the answer.
   */
  private async skipping<T>(
    ctx: ServiceContext,
    attempt: (keep: (members: Member[]) => Member[], skipped: string[]) => Promise<T>,
  ): Promise<{ result: T; skipped: string[] }> {
    const dropped = new Set<string>();
    for (let round = 1; ; round++) {
      const tried: Member[] = [];
      const keep = (members: Member[]) => {
        const kept = dropped.size === 0 ? members : members.filter((m) => !dropped.has(m.value));
        tried.push(...kept);
        return kept;
      };
      try {
        return { result: await attempt(keep, [...dropped]), skipped: [...dropped] };
      } catch (error) {
        const refused = error instanceof ScimError && error.status === 400 && error.scimType === "invalidValue";
        if (this.options.unknownMembers === "reject" || !refused || tried.length === 0 || round >= SKIP_ROUNDS)
          throw error;
        const unknown = await this.unknownOf(ctx, tried);
        if (unknown.length === 0) throw error;
        for (const id of unknown) dropped.add(id);
      }
    }
  }

  /**
   * The ids of `members` that name no user or group of the tenant, by the stores' id index. One
   * query per LOOKUP_CHUNK ids: the memory store checks each candidate against the whole `or`,
   * so its cost grows with the square of the chunk.
   */
  private async unknownOf(ctx: ServiceContext, members: Member[]): Promise<string[]> {
    const found = new Set<string>();
    for (const type of ["User", "Group"] as const) {
      const ids = [...new Set(members.filter((m) => m.type === type).map((m) => m.value))];
      for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
        const filters = ids.slice(i, i + LOOKUP_CHUNK).map(idEquals);
        const filter: ResolvedFilter = filters.length === 1 ? filters[0]! : { op: "or", filters };
        const { items } = await this.options.store[type === "User" ? "users" : "groups"].query(ctx, {
          filter,
          startIndex: 1,
          count: filters.length,
        });
        for (const item of items) found.add(item.id);
      }
    }
    return [...new Set(members.filter((m) => !found.has(m.value)).map((m) => m.value))];
  }

  /**
   * Reported once the write has landed (a retried attempt counts once): the audit record's
   * count, a `group.members.skipped` event with every id, and one warning with a short preview.
   */
  private membersSkipped(ctx: ServiceContext, rec: Recorder, id: string, skipped: string[]): void {
    if (skipped.length === 0) return;
    rec.members("group.members.skipped", id, skipped);
    rec.after(() => this.warnSkipped(ctx, id, skipped));
  }

  private warnSkipped(ctx: ServiceContext, id: string, skipped: string[]): void {
    ctx.report.membersSkipped = (ctx.report.membersSkipped ?? 0) + skipped.length;
    const preview = skipped
      .slice(0, SKIPPED_PREVIEW)
      .map((m) => (m.length > SKIPPED_ID_CHARS ? `${m.slice(0, SKIPPED_ID_CHARS)}…` : m));
    this.options.warn?.(
      { tenant: ctx.tenant, group: id, skipped: skipped.length, ids: preview },
      `unknown member ids skipped: ${skipped.length} id(s) named no user or group of the tenant (unknownMembers: "skip")`,
    );
  }

  private recordChanged(ctx: ServiceContext, rec: Recorder, before: Stored, after: Stored): void {
    if (before.version === after.version) return;
    const changed = this.changed(before, after);
    if (changed.length === 0) return;
    rec.after(() => {
      ctx.report.changed = changed;
    });
    const resource = this.view(ctx, after);
    rec.resource(
      "group.updated",
      { id: after.id, resource, changed },
      { before: this.view(ctx, before), after: resource, changed },
    );
  }

  /** One event per direction per request, listing the ids of the net change (chunked in the outbox). */
  private membersChanged(ctx: ServiceContext, rec: Recorder, id: string, diff: MemberDiff): void {
    rec.after(() => {
      ctx.report.membersAdded = (ctx.report.membersAdded ?? 0) + diff.added.length;
      ctx.report.membersRemoved = (ctx.report.membersRemoved ?? 0) + diff.removed.length;
    });
    rec.members("group.members.removed", id, diff.removed);
    rec.members("group.members.added", id, diff.added);
  }

  private checkMemberCount(members: Member[]): void {
    const max = this.options.limits.maxMembersPerRequest;
    if (members.length > max) {
      throw tooMany(`At most ${max} members may be added in one request.`);
    }
  }
}

const isEmpty = (diff: MemberDiff) => diff.added.length === 0 && diff.removed.length === 0;

/** Same ids, and each with the same type (a member's type is part of what is stored). */
function sameTypes(before: readonly Member[], after: readonly Member[]): boolean {
  const types = new Map(before.map((m) => [m.value, m.type ?? "User"]));
  return after.every((m) => types.get(m.value) === (m.type ?? "User"));
}

function diffMembers(before: readonly Member[], after: readonly Member[]): MemberDiff {
  const was = new Set(before.map((m) => m.value));
  const now = new Set(after.map((m) => m.value));
  return { added: [...now].filter((v) => !was.has(v)), removed: [...was].filter((v) => !now.has(v)) };
}

const idEquals = (id: string): ResolvedFilter => ({
  op: "eq",
  attrPath: { path: ["id"], type: "string", caseExact: true, multiValued: false },
  compValue: id,
});
