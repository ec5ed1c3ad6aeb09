/**
 * `scim(options)`: the express glue. Routes turn HTTP into service calls and results into HTTP;
 * SCIM rules live in the service layer. Async errors are caught here, once, so the router
 * behaves the same under Express 4 and 5.
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { Principal } from "../auth/principal";
import { debugStore } from "../debug";
import { FEED_SCOPE } from "../auth/scopes";
import { eventsHandle, type ScimEvents } from "../delivery/handle";
import { LISTENER_SINK, listenerSink } from "../delivery/listener-sink";
import { DeliveryLoop } from "../delivery/loop";
import { resolveDelivery } from "../delivery/options";
import { webhookSinks } from "../delivery/webhook-options";
import { checkSinkNames, type Sink } from "../delivery/sink";
import { emitAll } from "../events/emit";
import type { EventSettings } from "../service/recorder";
import { EVENT_DEFAULTS } from "../values/defaults";
import { mountFeedRoutes } from "./feed-routes";
import { rateLimiter, type Verdict } from "../limits/rate-limit";
import type { ScimOptions } from "../options";
import {
  checkCallbacks,
  checkKnownKeys,
  checkStore,
  loggerOf,
  profileResolver,
  resolveCursors,
  resolveLimits,
  resolveOpenApi,
  warnWith,
} from "../options";
import { ScimError, clip, notFound, rateLimited, clientError, internalError } from "../protocol/errors";
import type { ServiceContext } from "../service/context";
import { GroupService } from "../service/groups";
import { setupResources } from "../service/setup";
import { UserService } from "../service/users";
import { requireScope } from "./authenticate";
import { mountDiscoveryRoutes } from "./discovery-routes";
import { openApiOf } from "./openapi";
import { requestRecorder } from "../request-log/options";
import { auditOnFinish, observeRequest, recordRequest } from "./observe";
import { authenticator } from "./principal";
import { checkUserAgent } from "./profile";
import { mountResourceRoutes } from "./resource-routes";
import { mountRootRoutes } from "./root-routes";
import { sendError } from "./respond";
import type { RouteFactory } from "./route";
import { SCIM_DEFAULTS } from "../values/defaults";

/** The router scim() returns; `events` is there when the store has an outbox (docs/events.md). */
export type ScimRouter = Router & { readonly events?: ScimEvents };

export function scim(options: ScimOptions): ScimRouter {
  if (!options || typeof options !== "object")
    throw new TypeError("express-scim: scim(options) needs an options object.");
  const store = checkStore(options.store);
  const limits = resolveLimits(options.limits);
  checkKnownKeys(options);
  const logger = loggerOf(options);
  checkCallbacks(options);
  const authenticate = authenticator(options);
  const setup = setupResources(options);
  if (
    options.unknownMembers !== undefined &&
    options.unknownMembers !== "reject" &&
    options.unknownMembers !== "skip"
  ) {
    throw new TypeError('express-scim: unknownMembers must be "reject" or "skip".');
  }
  const cursors = resolveCursors(options.cursors);
  // Written once, at start-up; each request only adds where it was asked (servers).
  const openapi = resolveOpenApi(options.openapi) ? openApiOf(options) : undefined;
  const outbox = options.delivery === false ? undefined : store.outbox;
  const delivery = outbox ? resolveDelivery(options.delivery || {}) : undefined;
  const listeners = options.events && Object.keys(options.events).length > 0 ? options.events : undefined;
  const webhooks = webhookSinks(options.webhooks);
  if (webhooks.length > 0 && !delivery)
    throw new TypeError(
      "express-scim: webhooks are delivered from the store's outbox; this store has none (or delivery is false). See docs/events.md.",
    );
  // Every sink of this router, in one list: the listeners', `delivery.sinks` and the webhooks'.
  const sinks: Sink[] = delivery
    ? [...(listeners ? [listenerSink(listeners)] : []), ...delivery.sinks, ...webhooks]
    : [];
  if (delivery?.sinks.some((s) => s.name === LISTENER_SINK))
    throw new TypeError(`express-scim: delivery.sinks: the name "${LISTENER_SINK}" is the events listeners'.`);
  if (delivery)
    checkSinkNames([
      ...(listeners ? [{ name: LISTENER_SINK, origin: "the events listeners" }] : []),
      ...delivery.sinks.map((s, i) => ({ name: s.name, origin: `delivery.sinks[${i}]` })),
      ...webhooks.map((s, i) => ({ name: s.name, origin: `webhooks[${i}]` })),
    ]);
  const names = sinks.map((s) => s.name);
  const events: EventSettings | undefined = delivery
    ? { sinks: names, redact: delivery.redact, clock: delivery.clock }
    : undefined;
  const serviceOptions = {
    store,
    limits,
    cursors,
    strictExtensions: options.strictExtensions ?? SCIM_DEFAULTS.strictExtensions,
    unknownMembers: options.unknownMembers ?? SCIM_DEFAULTS.unknownMembers,
    warn: warnWith(logger),
    logger,
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(events ? { events } : {}),
  };
  store.configure?.(setup.uniqueKeys);
  // Asked once, now: an unmigrated database is reported at start-up, not by the first request.
  store.ready?.().catch((err: unknown) => {
    try {
      logger.error({ err }, "the store cannot serve requests yet");
    } catch {
      // A throwing logger must not turn a start-up report into an unhandled rejection.
    }
  });
  const users = new UserService(setup.users.rt, {
    ...serviceOptions,
    mapping: setup.users.mapping,
    identity: setup.identity,
  });
  const groups = new GroupService(setup.groups.rt, { ...serviceOptions, mapping: setup.groups.mapping });
  const loop =
    outbox && delivery && sinks.length > 0
      ? new DeliveryLoop({
          outbox,
          sinks,
          logger,
          leaseMs: delivery.leaseMs,
          retentionMs: delivery.retentionMs,
          backoff: delivery.backoff,
          batch: EVENT_DEFAULTS.batch,
          pollMs: delivery.pollMs,
          gatherMs: EVENT_DEFAULTS.gatherMs,
          clock: delivery.clock,
          random: delivery.random,
        })
      : undefined;
  loop?.start();
  const handle = outbox ? eventsHandle(outbox, loop, names) : undefined;
  const principals = new WeakMap<Request, Principal>();
  const profileOf = profileResolver(options.profile);
  const recorder = options.requestLog === undefined ? undefined : requestRecorder(options.requestLog);
  const limit = options.rateLimit === false ? undefined : rateLimiter(options.rateLimit ?? {});
  // mergeParams: a host may mount at "/scim/v2/:tenant" and resolve the tenant from req.params.
  const router = express.Router({ mergeParams: true });

  /**
   * Wraps a route: needs the scope it was mounted with, counts against the tenant's rate limit
   * only then, catches async errors, audits resource requests, and hands the events of a
   * successful write to listeners.
   */
  const route: RouteFactory = (scope, fn) => (req, res, next) => {
    const ctx = contextOf(req, principals.get(req)!);
    if (scope && scope !== FEED_SCOPE)
      auditOnFinish(
        res,
        options.audit,
        logger,
        { method: req.method, resource: scope.endsWith(":users") ? "Users" : "Groups" },
        ctx,
      );
    Promise.resolve()
      .then(async () => {
        if (scope) requireScope(ctx.principal, scope);
        checkUserAgent(req, ctx.profile);
        if (limit) allowedBy(await limit.tenant(ctx.tenant));
        await fn(req, res, ctx);
      })
      // The service records an event only once its write has committed, so the events go out
      // even when something after the commit failed: the IdP's retry would be a no-op. With an
      // outbox they are already recorded: the delivery loop is told there is work.
      .finally(() => {
        if (!events) emitAll(options.events, ctx.report.events, logger);
        else if (ctx.report.events.length > 0) loop?.soon();
      })
      .catch(next);
  };

  const contextOf = (req: Request, principal: Principal): ServiceContext => {
    const tenant = principal.tenant ?? SCIM_DEFAULTS.tenant;
    return {
      tenant,
      baseUrl: `${req.protocol}://${req.get("host")}${req.baseUrl}`.replace(/\/+$/, ""),
      principal,
      report: { events: [] },
      profile: profileOf(principal, tenant),
    };
  };

  router.use((req, res, next) => {
    // A base URL configured with a trailing slash makes clients ask for "//Users".
    if (req.url.startsWith("//")) req.url = req.url.replace(/^\/+/, "/");
    observeRequest(req, res, options.metrics, logger, () => principals.get(req)?.tenant);
    if (recorder) recordRequest(req, res, recorder, logger, () => principals.get(req));
    Promise.resolve()
      .then(async () => {
        const principal = await authenticate(req);
        // A principal from `auth` that names no credential can only be counted per tenant.
        if (limit)
          allowedBy(await limit.token(principal.tokenId ?? principal.label ?? `anonymous@${principal.tenant}`));
        principals.set(req, principal);
        next();
      })
      .catch(next);
  });

  mountResourceRoutes(router, route, "/Users", "users", users, limits);
  mountResourceRoutes(router, route, "/Groups", "groups", groups, limits);
  mountDiscoveryRoutes(router, route, {
    ...setup.discovery,
    maxResults: limits.maxCount,
    defaultPageSize: limits.defaultCount,
    cursorTimeout: cursors.timeoutSeconds,
    ...(openapi ? { openapi } : {}),
  });
  mountRootRoutes(router, route, { users, groups, limits, audit: options.audit, logger });
  if (handle && delivery?.feed) mountFeedRoutes(router, route, handle);

  router.use((req, _res, next) => next(notFound(`No SCIM endpoint at ${clip(req.path)}.`)));
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    sendError(
      res,
      asScimError(error, (err) => logger.error({ err, method: req.method, path: pathOf(req) }, "unexpected error")),
    );
  });
  if (handle) Object.defineProperty(router, "events", { value: handle, enumerable: true });
  return router;
}

/** The path without its query: filters carry e-mail addresses, and a logger may ship them anywhere. */
const pathOf = (req: Request) => req.originalUrl.split("?")[0];

/** clients.md: Okta and Entra both back off on 429 and retry after the advertised delay. */
function allowedBy(verdict: Verdict): void {
  if (verdict.allowed) return;
  throw rateLimited(verdict.retryAfter);
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
    return clientError(status);
  }
  debugStore("unexpected %s: %s", (error as Error)?.name ?? typeof error, (error as Error)?.message ?? String(error));
  log(error);
  return internalError();
}
