/** What every route module shares: the route wrapper's shape, how a path is mounted, small request helpers. */
import type { Request, RequestHandler, Response, Router } from "express";
import type { Scope, Verb } from "../auth/scopes";
import { methodNotAllowed as notAllowed } from "../protocol/errors";
import type { ServiceContext } from "../service/context";

export type Handler = (req: Request, res: Response, ctx: ServiceContext) => Promise<void>;

/**
 * Makes a route handler that needs `scope` (null: discovery, any valid token), with async
 * errors caught. The scope is fixed when the handler is mounted, never read from the request:
 * whatever method Express routes to the handler (HEAD reaches the GET handler) needs it.
 */
export type RouteFactory = (scope: Scope | null, fn: Handler) => RequestHandler;

/** One handler and the scope it needs. */
export interface Endpoint {
  scope: Scope | null;
  handle: Handler;
}

/**
 * Mounts the handlers of one path, each wrapped with its own scope. HEAD follows GET (Express
 * answers HEAD with the GET handler, minus the body); every other method (OPTIONS, PROPFIND,
 * ...) is a 405 that runs no handler, so no method can reach one without its scope.
 */
export function mount(
  router: Router,
  route: RouteFactory,
  path: string,
  endpoints: Partial<Record<Verb, Endpoint>>,
): void {
  const r = router.route(path);
  const allowed: string[] = [];
  for (const [verb, endpoint] of Object.entries(endpoints) as [Verb, Endpoint][]) {
    r[verb](route(endpoint.scope, endpoint.handle));
    allowed.push(verb.toUpperCase(), ...(verb === "get" ? ["HEAD"] : []));
  }
  r.all(methodNotAllowed(...allowed));
}

export function methodNotAllowed(...allowed: string[]): RequestHandler {
  return (req, _res, next) => next(notAllowed(req.method, allowed));
}

export function param(req: Request, name = "id"): string {
  return String(req.params[name]);
}
