/**
 * Groups: members live in the member store, never inside the record, so a group of 200,000
 * members is renamed, or gains one member, without its member list being read or written.
 */
import { applyPatch, netMemberChange, parsePatchRequest } from "../protocol/patch";
import { ScimError } from "../protocol/errors";
import type { Projection } from "../protocol/projection";
import { groupResourceType } from "../schema/core";
import type { Member, ResourceStore, Store, Stored, WriteOptions } from "../stores/types";
import type { ServiceContext } from "./context";
import { render, type Related } from "./render";
import { withRetry } from "./retry";
import { ResourceService, type Resource, type ServiceOptions } from "./service";
import { requiredVersion } from "./versions";

export class GroupService extends ResourceService {
  constructor(options: ServiceOptions) {
    super(groupResourceType, options);
  }

  protected get table(): ResourceStore {
    return this.options.store.groups;
  }

  protected wantsMembers(projection: Projection): boolean {
    return this.wants(projection, ["members"]);
  }

  protected async related(_ctx: ServiceContext, stored: Stored): Promise<Related> {
    return stored.members ? { members: stored.members } : {};
  }

  async create(ctx: ServiceContext, body: unknown, projection: Projection): Promise<Resource> {
    const resource = this.normalize(body);
    const members = this.membersOf(resource) ?? [];
    const stored = await this.table.create(ctx, this.record(resource), { members });
    return this.present(ctx, await this.load(ctx, stored.id, this.wantsMembers(projection)), projection);
  }

  /** RFC 7644 3.5.1: PUT replaces; a PUT without `members` leaves the group empty. */
  async replace(ctx: ServiceContext, id: string, body: unknown, ifMatch: string | undefined, projection: Projection): Promise<Resource> {
    const resource = this.normalize(body);
    const members = this.membersOf(resource) ?? [];
    const current = await this.load(ctx, id);
    const ifVersion = requiredVersion(ifMatch, current.version);
    await this.table.replace(ctx, id, this.record(resource), { members, ...(ifVersion === undefined ? {} : { ifVersion }) });
    return this.present(ctx, await this.load(ctx, id, this.wantsMembers(projection)), projection);
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
    const operations = parsePatchRequest(body, { maxOperations: this.options.limits.maxOperations });
    await withRetry(ifMatch === undefined, () =>
      this.inTransaction(async (store) => {
        const current = await this.load(ctx, id, false, store.groups);
        const ifVersion = requiredVersion(ifMatch, current.version);
        const { resource, changed, members } = applyPatch(this.rt, render(this.rt, current, ctx), operations);
        const change = netMemberChange(members);
        this.checkMemberCount(change.replace ?? change.add);
        // The record write carries the version read, so a concurrent rename is not lost.
        if (changed.length > 0) await store.groups.replace(ctx, id, this.record(resource), { ifVersion: ifVersion ?? current.version });
        const pinned: WriteOptions = changed.length === 0 && ifVersion !== undefined ? { ifVersion } : {};
        await this.applyMembers(store, ctx, id, change, pinned);
      }),
    );
    if (!projection) return null;
    return this.present(ctx, await this.load(ctx, id, this.wantsMembers(projection)), projection);
  }

  private async applyMembers(
    store: Store,
    ctx: ServiceContext,
    id: string,
    change: { replace?: Member[]; add: Member[]; remove: string[] },
    pinned: WriteOptions,
  ): Promise<void> {
    if (change.replace) {
      const merged = new Map(change.replace.map((m) => [m.value, m]));
      for (const m of change.add) merged.set(m.value, m);
      for (const gone of change.remove) merged.delete(gone);
      await store.groups.replaceMembers(ctx, id, [...merged.values()], pinned);
      return;
    }
    if (change.add.length > 0) await store.groups.addMembers(ctx, id, change.add, pinned);
    if (change.remove.length > 0) await store.groups.removeMembers(ctx, id, change.remove, change.add.length > 0 ? {} : pinned);
  }

  private checkMemberCount(members: Member[]): void {
    const max = this.options.limits.maxMembersPerRequest;
    if (members.length > max) {
      throw new ScimError(400, "tooMany", `At most ${max} members may be added in one request.`);
    }
  }

  /** Several store writes as one: with a transactional store all land or none; otherwise in order. */
  private inTransaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    const store = this.options.store;
    return store.transaction ? store.transaction(fn) : fn(store);
  }
}
