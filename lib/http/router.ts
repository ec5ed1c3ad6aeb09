/**
 * `scim(options)`: the express glue. Routes turn HTTP into service calls and results into HTTP;
 * SCIM rules live in the service layer. Async errors are caught here, once, so the router
 * behaves the same under Express 4 and 5.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from "express";
import type { Principal } from "../auth/principal";
import { requiredScope, type Noun } from "../auth/scopes";
import { ScimError } from "../protocol/errors";
import { listResponse } from "../protocol/list";
import { resourceTypeResource, schemaResource, serviceProviderConfig } from "../schema/discovery";
import type { ServiceContext } from "../service/context";
import { GroupService } from "../service/groups";
import { setupResources } from "../service/setup";
import { parseProjection } from "../service/queries";
import { locationOf } from "../service/render";
import { UserService } from "../service/users";
import { etagOf } from "../service/versions";
import type { ScimOptions } from "../options";
import { checkCallbacks, checkKnownKeys, checkStore, loggerOf, resolveLimits } from "../options";
import { rateLimiter } from "../limits/rate-limit";
import { debugStore } from "../debug";
import { emitAll } from "../events/emit";
import { readJson } from "./body";
import { auditOnFinish, observeRequest } from "./observe";
import { requireScope } from "./authenticate";
import { authenticator } from "./principal";
import { asksForAttributes, projectionParams, queryParams } from "./params";
import { send, sendError } from "./respond";

type Handler = (req: Request, res: Response, ctx: ServiceContext) => Promise<void>;

export function scim(options: ScimOptions): Router {
  if (!options || typeof options !== "object") throw new TypeError("express-scim: scim(options) needs an options object.");
  const store = checkStore(options.store);
  const limits = resolveLimits(options.limits);
  checkKnownKeys(options);
  const logger = loggerOf(options);
  checkCallbacks(options);
  const authenticate = authenticator(options);
  const setup = setupResources(options);
  const serviceOptions = { store, limits, strictExtensions: options.strictExtensions ?? false, ...(options.hooks ? { hooks: options.hooks } : {}) };
  store.configure?.(setup.uniqueKeys);
  const users = new UserService(setup.users.rt, { ...serviceOptions, mapping: setup.users.mapping, identity: setup.identity });
  const groups = new GroupService(setup.groups.rt, { ...serviceOptions, mapping: setup.groups.mapping });
  const principals = new WeakMap<Request, Principal>();
  const limit = options.rateLimit === false ? undefined : rateLimiter(options.rateLimit ?? {});
  // mergeParams: a host may mount at "/scim/v2/:tenant" and resolve the tenant from req.params.
  const router = express.Router({ mergeParams: true });

  /**
   * Wraps a route: needs `noun`'s scope for the method (or `get:` for .search), catches async
   * errors, audits resource requests, and hands the events of a successful write to listeners.
   */
  const route =
    (noun: Noun | null, fn: Handler, search = false): RequestHandler =>
    (req, res, next) => {
      const ctx = contextOf(req, principals.get(req)!);
      if (noun) auditOnFinish(res, options.audit, logger, { method: req.method, resource: noun === "users" ? "Users" : "Groups" }, ctx);
      Promise.resolve()
        .then(async () => {
          const scope = noun ? requiredScope(req.method, noun, search) : undefined;
          if (scope) requireScope(ctx.principal, scope);
          await fn(req, res, ctx);
          emitAll(options.events, ctx.report.events, logger);
        })
        .catch(next);
    };

  const contextOf = (req: Request, principal: Principal): ServiceContext => ({
    tenant: principal.tenant ?? "default",
    baseUrl: `${req.protocol}://${req.get("host")}${req.baseUrl}`.replace(/\/+$/, ""),
    principal,
    report: { events: [] },
  });

  const methodNotAllowed =
    (...allowed: string[]): RequestHandler =>
    (req, _res, next) =>
      next(new ScimError(405, undefined, `${req.method} is not supported here.`, { Allow: allowed.join(", ") }));

  router.use((req, res, next) => {
    // A base URL configured with a trailing slash makes clients ask for "//Users".
    if (req.url.startsWith("//")) req.url = req.url.replace(/^\/+/, "/");
    observeRequest(req, res, options.metrics, logger);
    Promise.resolve()
      .then(async () => {
        const principal = await authenticate(req);
        if (limit) {
          const verdict = await limit(principal.tenant ?? "default", principal.tokenId ?? principal.label ?? "anonymous");
          if (!verdict.allowed) throw tooManyRequests(verdict.retryAfter);
        }
        principals.set(req, principal);
        next();
      })
      .catch(next);
  });

  for (const [path, service, noun] of [
    ["/Users", users, "users"],
    ["/Groups", groups, "groups"],
  ] as const) {
    const rt = service.rt;
    // Per-route body limits: group bodies carry member lists, user bodies never need as much.
    const bodyLimit = noun === "users" ? Math.min(limits.bodyBytes, limits.userBodyBytes) : limits.bodyBytes;
    router
      .route(`${path}/.search`)
      .post(route(noun, async (req, res, ctx) => send(res, 200, await service.list(ctx, searchParams(await readJson(req, Math.min(limits.bodyBytes, limits.searchBodyBytes))))), true))
      .all(methodNotAllowed("POST"));
    router
      .route(path)
      .get(route(noun, async (req, res, ctx) => send(res, 200, await service.list(ctx, queryParams(req)))))
      .post(
        route(noun, async (req, res, ctx) => {
          const projection = parseProjection(rt, projectionParams(req));
          const created = await service.create(ctx, await readJson(req, bodyLimit), projection);
          const id = String(created.body.id);
          send(res, 201, created.body, { ETag: etagOf(created.version), Location: locationOf(rt, ctx, id) });
        }),
      )
      .all(methodNotAllowed("GET", "POST"));
    router
      .route(`${path}/:id`)
      .get(
        route(noun, async (req, res, ctx) => {
          const found = await service.get(ctx, param(req), projectionParams(req), req.get("if-none-match"));
          if (!found) return send(res, 304);
          send(res, 200, found.body, { ETag: etagOf(found.version) });
        }),
      )
      .put(
        route(noun, async (req, res, ctx) => {
          const projection = parseProjection(rt, projectionParams(req));
          const body = await readJson(req, bodyLimit);
          const replaced = await service.replace(ctx, param(req), body, req.get("if-match"), projection);
          send(res, 200, replaced.body, { ETag: etagOf(replaced.version) });
        }),
      )
      .patch(
        route(noun, async (req, res, ctx) => {
          const body = await readJson(req, bodyLimit);
          const wantsBody = service === users || asksForAttributes(req);
          const projection = wantsBody ? parseProjection(rt, projectionParams(req)) : undefined;
          const patched = await service.patch(ctx, param(req), body, req.get("if-match"), projection!);
          if (!patched) return send(res, 204);
          send(res, 200, patched.body, { ETag: etagOf(patched.version) });
        }),
      )
      .delete(
        route(noun, async (req, res, ctx) => {
          await service.delete(ctx, param(req), req.get("if-match"));
          send(res, 204);
        }),
      )
      .all(methodNotAllowed("GET", "PUT", "PATCH", "DELETE"));
  }

  const { resourceTypes, schemas } = setup.discovery;

  router
    .route("/ServiceProviderConfig")
    .get(route(null, async (_req, res, ctx) => send(res, 200, serviceProviderConfig({ baseUrl: ctx.baseUrl, maxResults: limits.maxCount }))))
    .all(methodNotAllowed("GET"));
  router
    .route("/Schemas")
    .get(route(null, async (_req, res, ctx) => send(res, 200, fullList(schemas.map((s) => schemaResource(s, ctx.baseUrl))))))
    .all(methodNotAllowed("GET"));
  router
    .route("/Schemas/:urn")
    .get(
      route(null, async (req, res, ctx) => {
        const schema = schemas.find((s) => s.id.toLowerCase() === param(req, "urn").toLowerCase());
        if (!schema) throw new ScimError(404, undefined, `Schema ${param(req, "urn")} not found.`);
        send(res, 200, schemaResource(schema, ctx.baseUrl));
      }),
    )
    .all(methodNotAllowed("GET"));
  router
    .route("/ResourceTypes")
    .get(route(null, async (_req, res, ctx) => send(res, 200, fullList(resourceTypes.map((rt) => resourceTypeResource(rt, ctx.baseUrl))))))
    .all(methodNotAllowed("GET"));
  router
    .route("/ResourceTypes/:name")
    .get(
      route(null, async (req, res, ctx) => {
        const rt = resourceTypes.find((r) => r.name.toLowerCase() === param(req, "name").toLowerCase());
        if (!rt) throw new ScimError(404, undefined, `Resource type ${param(req, "name")} not found.`);
        send(res, 200, resourceTypeResource(rt, ctx.baseUrl));
      }),
    )
    .all(methodNotAllowed("GET"));

  router.use((req, _res, next) => next(new ScimError(404, undefined, `No SCIM endpoint at ${req.path}.`)));
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    sendError(res, asScimError(error, (err) => logger.error({ err, method: req.method, path: req.originalUrl }, "unexpected error")));
  });
  return router;
}

/** clients.md: Okta and Entra both back off on 429 and retry after the advertised delay. */
function tooManyRequests(retryAfter: number): ScimError {
  return new ScimError(429, undefined, `Too many requests; retry in ${retryAfter} s.`, { "Retry-After": String(retryAfter) });
}

function param(req: Request, name = "id"): string {
  return String(req.params[name]);
}

function fullList(resources: Record<string, unknown>[]) {
  return listResponse(resources.length, { startIndex: 1, count: resources.length }, resources);
}

/** RFC 7644 3.4.3: a SearchRequest carries the query parameters in its body. */
function searchParams(body: unknown) {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ScimError(400, "invalidSyntax", "A SearchRequest body must be a JSON object.");
  }
  const b = body as Record<string, unknown>;
  return {
    filter: b.filter,
    sortBy: b.sortBy,
    sortOrder: b.sortOrder,
    startIndex: b.startIndex,
    count: b.count,
    attributes: b.attributes,
    excludedAttributes: b.excludedAttributes,
  };
}

/**
 * Anything that is not a ScimError is a bug or a store failure: logged, and answered with a
 * generic 500 that tells the client nothing about the internals. Express's own 4xx errors
 * (a malformed %-escape in the path) keep their status.
 */
function asScimError(error: unknown, log: (err: unknown) => void): ScimError {
  if (error instanceof ScimError) return error;
  const status = (error as { status?: unknown })?.status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new ScimError(status, undefined, "The request could not be understood.");
  }
  debugStore("unexpected %s: %s", (error as Error)?.name ?? typeof error, (error as Error)?.message ?? String(error));
  log(error);
  return new ScimError(500, undefined, "An internal error occurred; it has been logged.");
}
