/** A host app with SCIM at /scim/v2 and the console at /admin behind the host's own admin check. */
import express, { type RequestHandler } from "express";
import {
  ALL_SCOPES,
  memoryAuditLog,
  memoryStore,
  memoryTokenRegistry,
  scim,
  type ScimEvents,
  type ScimOptions,
  type Store,
  type TokenRegistry,
} from "../../lib";
import { memoryRequestLog, scimConsole, type ConsoleOptions, type RequestLogOptions } from "../../lib/console";

export const SCIM_TOKEN = "okta-static-token-0123456789abcdef";
export const ADMIN = "admin-secret-for-tests-0123456789";
/** Marked sensitive by the host: its values must never show in the console. */
export const SENSITIVE = "employeeNumber";

export interface ConsoleHost {
  app: express.Express;
  store: Store;
  registry: TokenRegistry;
  requestLog: RequestLogOptions;
  events?: ScimEvents;
}

/** The host's admin check: a bearer token, as examples/basic does. */
export const requireAdmin: RequestHandler = (req, res, next) =>
  req.get("authorization") === `Bearer ${ADMIN}` ? next() : void res.status(401).send("admin only");

export function consoleHost(
  options: {
    store?: Store;
    requestLog?: RequestLogOptions;
    console?: Partial<ConsoleOptions>;
    admin?: RequestHandler;
    /** More options for the SCIM router (its token list stays the one above). */
    scim?: Omit<Partial<ScimOptions>, "auth" | "tokens">;
    /** Hands the SCIM router's `events` to the console (its Events page). */
    events?: boolean;
  } = {},
): ConsoleHost {
  const store = options.store ?? memoryStore();
  const registry = store.tokens ?? memoryTokenRegistry();
  const requestLog = options.requestLog ?? { log: memoryRequestLog(), sensitive: [SENSITIVE], sampleSuccesses: 1 };
  const audit = memoryAuditLog();
  const app = express();
  const router = scim({
    store,
    tokens: [{ token: SCIM_TOKEN, scopes: [...ALL_SCOPES], label: "okta-production" }, registry],
    audit,
    requestLog,
    ...options.scim,
  } as ScimOptions);
  app.use("/scim/v2", router);
  const events = options.events && router.events ? { events: router.events } : {};
  app.use(
    "/admin",
    options.admin ?? requireAdmin,
    scimConsole({ auth: "host", store, requestLog, tokens: registry, audit, ...events, ...options.console }),
  );
  return { app, store, registry, requestLog, ...(router.events ? { events: router.events } : {}) };
}
