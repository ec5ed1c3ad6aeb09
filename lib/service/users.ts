/** Users: the only resource whose representation includes computed memberships (User.groups). */
import { invalidValue } from "../protocol/errors";
import { applyPatch, parsePatchRequest } from "../protocol/patch";
import { project, type Projection } from "../protocol/projection";
import type { ResourceTypeDef } from "../schema/types";
import type { AppRecord, Stored } from "../stores/types";
import type { ServiceContext } from "./context";
import type { Recorder } from "./recorder";
import { groupsOfPage } from "./related";
import type { Related } from "./render";
import { withRetry } from "./retry";
import { deepEqual } from "../values/json";
import { ResourceService, type Resource, type ServiceOptions } from "./service";
import { requiredVersion } from "./versions";

export class UserService extends ResourceService {
  constructor(rt: ResourceTypeDef, options: ServiceOptions) {
    super(rt, "users", options);
  }

  protected wantsMembers(): boolean {
    return false;
  }

  protected async *related(
    ctx: ServiceContext,
    items: readonly Stored[],
    projection: Projection,
  ): AsyncGenerator<Related> {
    const wanted = this.wants(projection, ["groups"]);
    const ids = wanted ? items.map((item) => item.id) : [];
    const groups = await groupsOfPage(this.options.store, ctx, ids);
    for (const item of items) yield wanted ? { groups: groups.get(item.id) ?? [] } : {};
  }

  async create(ctx: ServiceContext, body: unknown, projection: Projection): Promise<Resource> {
    const resource = this.identified(this.normalize(ctx, body));
    const stored = await this.hooked(
      ctx,
      "beforeCreate",
      async (store, gate, rec) => {
        // Nothing to read first: the gate's version is the same for every attempt.
        await gate("", () => this.hooks?.beforeCreate?.({ ...this.hookContext(ctx, store), resource }));
        const stored = await store.users.create(ctx, this.record(resource));
        const view = this.view(ctx, stored);
        rec.resource("user.created", { id: stored.id, resource: view }, { after: view });
        return stored;
      },
      false,
    );
    ctx.report.id = stored.id;
    // A new user belongs to no group yet: no read after the write that could fail on its own.
    return { body: project(this.rt, this.view(ctx, stored, { groups: [] }), projection), version: stored.version };
  }

  /** RFC 7644 3.5.1: PUT replaces every writable attribute; what the client leaves out is cleared. */
  async replace(
    ctx: ServiceContext,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    projection: Projection,
  ): Promise<Resource> {
    const resource = this.identified(this.normalize(ctx, body));
    ctx.report.id = id;
    const { after } = await withRetry(ifMatch === undefined, () =>
      this.hooked(
        ctx,
        "beforeReplace",
        async (store, gate, rec) => {
          const current = await this.load(ctx, id, false, store.users);
          const ifVersion = requiredVersion(ifMatch, current.version);
          const record = this.replacement(current, resource);
          // Okta PUTs back the user it just read: nothing changes, so no write, no new version, no event.
          if (deepEqual(record, current.record)) return { before: current, after: current };
          await gate(current.version, () =>
            this.hooks?.beforeReplace?.({
              ...this.hookContext(ctx, store),
              id,
              resource,
              current: this.view(ctx, current),
            }),
          );
          const stored = await store.users.replace(ctx, id, record, ifVersion === undefined ? {} : { ifVersion });
          this.changes(ctx, rec, current, stored);
          return { before: current, after: stored };
        },
        false,
      ),
    );
    return this.settled(
      () => this.present(ctx, after, projection),
      () => this.fromWrite(ctx, after, projection),
    );
  }

  /**
   * Read, apply, write back under the version read, in a transaction when the store has them
   * (SQL stores then lock the row they read, so concurrent PATCHes queue instead of colliding).
   * Without a client If-Match, a concurrent writer only costs a retry; with one, the client's
   * version is the one that must hold.
   */
  async patch(
    ctx: ServiceContext,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    projection: Projection,
  ): Promise<Resource> {
    const operations = parsePatchRequest(body, {
      maxOperations: this.options.limits.maxOperations,
      filter: this.options.limits.filter,
      ...this.tolerance(ctx),
    });
    ctx.report.id = id;
    this.logPatch(id, operations);
    const { after } = await withRetry(ifMatch === undefined, () =>
      this.hooked(ctx, "beforePatch", async (store, gate, rec) => {
        const current = await this.load(ctx, id, false, store.users);
        const ifVersion = requiredVersion(ifMatch, current.version) ?? current.version;
        const currentResource = this.view(ctx, current);
        const { resource, changed } = applyPatch(this.rt, currentResource, operations, {
          filter: this.options.limits.filter,
          ...this.tolerance(ctx),
        });
        this.identified(resource);
        if (changed.length === 0) return { before: current, after: current };
        await gate(current.version, () =>
          this.hooks?.beforePatch?.({
            ...this.hookContext(ctx, store),
            id,
            operations,
            resource,
            current: currentResource,
          }),
        );
        const after = await store.users.replace(ctx, id, this.replacement(current, resource), { ifVersion });
        this.changes(ctx, rec, current, after);
        return { before: current, after };
      }),
    );
    return this.settled(
      () => this.present(ctx, after, projection),
      () => this.fromWrite(ctx, after, projection),
    );
  }

  /** A written user without User.groups, which needs a read of its own. */
  private fromWrite(ctx: ServiceContext, stored: Stored, projection: Projection): Resource {
    return { body: project(this.rt, this.view(ctx, stored), projection), version: stored.version };
  }

  /** With `userIdentity: "externalId"` (OIDC-style connections) every user must carry one. */
  private identified(resource: Record<string, unknown>): Record<string, unknown> {
    if (
      this.options.identity === "externalId" &&
      (typeof resource.externalId !== "string" || resource.externalId === "")
    ) {
      throw invalidValue("externalId is required: this server identifies users by externalId.");
    }
    return resource;
  }

  /**
   * `active` has events of its own: Okta's deactivation is one `user.deactivated`, not also an
   * update. Everything else that changed is one `user.updated`.
   */
  private changes(ctx: ServiceContext, rec: Recorder, before: Stored, after: Stored): void {
    if (before.version === after.version) return;
    const changed = this.changed(before, after);
    rec.after(() => {
      ctx.report.changed = changed;
    });
    const resource = this.view(ctx, after);
    const views = { before: this.view(ctx, before), after: resource };
    const others = changed.filter((name) => name !== "active");
    if (others.length > 0)
      rec.resource(
        "user.updated",
        { id: after.id, resource, changed: others },
        { ...views, changed: others, only: (path) => !isActivePath(path) },
      );
    const was = isActive(before.record);
    const now = isActive(after.record);
    const activity = { ...views, changed: ["active"], only: isActivePath };
    if (was && !now) rec.resource("user.deactivated", { id: after.id, resource }, activity);
    if (!was && now) rec.resource("user.reactivated", { id: after.id, resource }, activity);
  }
}

/** RFC 7643 4.1.1: a user without `active` is taken as active. */
const isActive = (record: AppRecord) => record.active !== false;
const isActivePath = (path: string) => path === "/active";
