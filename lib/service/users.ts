/** Users: the only resource whose representation includes computed memberships (User.groups). */
import { applyPatch, parsePatchRequest } from "../protocol/patch";
import type { Projection } from "../protocol/projection";
import { userResourceType } from "../schema/core";
import type { ResourceStore, Stored } from "../stores/types";
import type { ServiceContext } from "./context";
import type { Related } from "./render";
import { render } from "./render";
import { ResourceService, type Resource, type ServiceOptions } from "./service";
import { requiredVersion } from "./versions";
import { withRetry } from "./retry";

export class UserService extends ResourceService {
  constructor(options: ServiceOptions) {
    super(userResourceType, options);
  }

  protected get table(): ResourceStore {
    return this.options.store.users;
  }

  protected wantsMembers(): boolean {
    return false;
  }

  protected async related(ctx: ServiceContext, stored: Stored, projection: Projection): Promise<Related> {
    if (!this.wants(projection, ["groups"])) return {};
    return { groups: await this.options.store.groups.groupsOf(ctx, stored.id) };
  }

  async create(ctx: ServiceContext, body: unknown, projection: Projection): Promise<Resource> {
    const stored = await this.table.create(ctx, this.record(this.normalize(body)));
    return this.present(ctx, stored, projection);
  }

  /** RFC 7644 3.5.1: PUT replaces every writable attribute; what the client leaves out is cleared. */
  async replace(ctx: ServiceContext, id: string, body: unknown, ifMatch: string | undefined, projection: Projection): Promise<Resource> {
    const record = this.record(this.normalize(body));
    const current = await this.load(ctx, id);
    const ifVersion = requiredVersion(ifMatch, current.version);
    const stored = await this.table.replace(ctx, id, record, ifVersion === undefined ? {} : { ifVersion });
    return this.present(ctx, stored, projection);
  }

  /**
   * Read, apply, write back under the version read. Without a client If-Match, a concurrent
   * writer only costs a retry; with one, the client's version is the one that must hold.
   */
  async patch(ctx: ServiceContext, id: string, body: unknown, ifMatch: string | undefined, projection: Projection): Promise<Resource> {
    const operations = parsePatchRequest(body, { maxOperations: this.options.limits.maxOperations });
    const stored = await withRetry(ifMatch === undefined, async () => {
      const current = await this.load(ctx, id);
      const ifVersion = requiredVersion(ifMatch, current.version) ?? current.version;
      const { resource, changed } = applyPatch(this.rt, render(this.rt, current, ctx), operations);
      if (changed.length === 0) return current;
      return this.table.replace(ctx, id, this.record(resource), { ifVersion });
    });
    return this.present(ctx, stored, projection);
  }
}
