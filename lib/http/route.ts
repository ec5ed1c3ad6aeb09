/** What every route module shares: the route wrapper's shape and small request helpers. */
import type { Request, RequestHandler, Response } from "express";
import type { Noun } from "../auth/scopes";
import { ScimError } from "../protocol/errors";
import type { ServiceContext } from "../service/context";

export type Handler = (req: Request, res: Response, ctx: ServiceContext) => Promise<void>;

/** Makes a route handler: the scope `noun` needs for the method (none for discovery), async errors caught. */
export type RouteFactory = (noun: Noun | null, fn: Handler, search?: boolean) => RequestHandler;

export function methodNotAllowed(...allowed: string[]): RequestHandler {
  return (req, _res, next) => next(new ScimError(405, undefined, `${req.method} is not supported here.`, { Allow: allowed.join(", ") }));
}

export function param(req: Request, name = "id"): string {
  return String(req.params[name]);
}
