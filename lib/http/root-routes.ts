/**
 * The service root: `GET /` with query parameters and `POST /.search` (RFC 7644 3.4.2, 3.4.3)
 * search every resource type the token may read. A token sees a type only with its `get:` scope;
 * with neither, 403. ServiceProviderConfig has no flag for root search; docs/reference.md says
 * it is served.
 */
import type { Request, Response, Router } from "express";
import type { AuditLog } from "../audit/types";
import type { ResolvedLimits } from "../options";
import type { GroupService } from "../service/groups";
import { searchRoot } from "../service/root-search";
import type { ServiceContext } from "../service/context";
import type { ReadParams } from "../service/queries";
import type { UserService } from "../service/users";
import { requireAnyScope } from "./authenticate";
import { readJson } from "./body";
import { auditOnFinish } from "./observe";
import { queryParams } from "./params";
import { searchParams } from "./resource-routes";
import { send } from "./respond";
import { mount, type RouteFactory } from "./route";
import type { Logger } from "../logger";

export interface RootSearchDeps {
  users: UserService;
  groups: GroupService;
  limits: ResolvedLimits;
  audit: AuditLog | undefined;
  logger: Logger;
}

export function mountRootRoutes(router: Router, route: RouteFactory, deps: RootSearchDeps): void {
  const { users, groups, limits } = deps;
  const searchLimit = Math.min(limits.bodyBytes, limits.searchBodyBytes);
  const answer = async (req: Request, res: Response, ctx: ServiceContext, params: () => Promise<ReadParams>) => {
    // Audited like the reads of /Users and /Groups it stands for; "/" names the root.
    auditOnFinish(res, deps.audit, deps.logger, { method: req.method, resource: "/" }, ctx);
    const held = requireAnyScope(ctx.principal, ["get:users", "get:groups"]);
    const services = [
      { service: users, readable: held.includes("get:users") },
      { service: groups, readable: held.includes("get:groups") },
    ];
    send(res, 200, await searchRoot(ctx, services, await params(), limits));
  };
  // No scope at the mount: which `get:` scopes the token holds decides what it sees (above).
  mount(router, route, "/.search", {
    post: {
      scope: null,
      handle: (req, res, ctx) => answer(req, res, ctx, async () => searchParams(await readJson(req, searchLimit))),
    },
  });
  mount(router, route, "/", {
    get: { scope: null, handle: (req, res, ctx) => answer(req, res, ctx, async () => queryParams(req)) },
  });
}
