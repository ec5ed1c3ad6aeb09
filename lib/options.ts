/**
 * The options of `scim()`: one typed object, defaults in one place, checked once at start-up.
 * A request never discovers a configuration mistake.
 */
import { randomBytes } from "node:crypto";
import type { Request } from "express";
import type { Principal } from "./auth/principal";
import type { TokenRegistry } from "./auth/registry";
import type { TokenConfig } from "./auth/tokens";
import type { RateLimitOptions } from "./limits/rate-limit";
import type { AuditLog } from "./audit/types";
import { DELIVERY_KEYS, type DeliveryOptions } from "./delivery/options";
import type { RequestLogOptions } from "./request-log/options";
import { EVENT_TYPES, type EventListeners } from "./events/types";
import { HOOK_NAMES, type Hooks } from "./hooks/types";
import type { Logger } from "./logger";
import type { SetupOptions } from "./service/setup";
import type { FilterLimits } from "./protocol/filter/ast";
import { LIMIT_DEFAULTS } from "./values/defaults";
import type { CursorKeys } from "./service/cursor";
import type { Limits } from "./service/context";
import type { Store } from "./stores/types";
import type { WebhookConfig } from "./delivery/webhook-options";
import { resolveProfile, type ProfileChoice, type ResolvedProfile } from "./profiles";

/** Your own authentication: the request's principal (scopes and tenant), or null for 401. */
export type AuthFunction = (req: Request) => Principal | null | undefined | Promise<Principal | null | undefined>;

/** One request's route, status and duration, as the `metrics` option receives it. */
export interface MetricsSample {
  /** The route template, e.g. "/Users/:id"; "unmatched" for 404s. */
  route: string;
  method: string;
  status: number;
  durationMs: number;
  /** The request's tenant; absent when it was refused before one was known (401). */
  tenant?: string;
}

/** Receives one sample per request (the `metrics` option). */
export type MetricsHook = (sample: MetricsSample) => void;

interface CommonOptions extends SetupOptions {
  /** Where users, groups and memberships live. */
  store: Store;
  /** The tenant of every request, or how to find it from the request. Default: "default". */
  tenant?: string | ((req: Request) => string | undefined);
  limits?: Partial<Omit<ResolvedLimits, "filter">> & { filter?: Partial<FilterLimits> };
  /**
   * Member ids that name no user or group of the tenant: "skip" (default) drops them, writes the
   * rest and reports them (logger.warn, a `group.members.skipped` event, the audit record);
   * "reject" answers 400 invalidValue and writes nothing. Okta treats a 400 as final and never
   * retries the push, so "reject" loses every membership in the request over one stale id.
   */
  unknownMembers?: "reject" | "skip";
  /** Refuse requests that carry an extension schema the server does not know (default: ignore it). */
  strictExtensions?: boolean;
  /** Receives unexpected errors (store failures, bugs). Default: one line on stderr. */
  logger?: Logger;
  /** Per-tenant and per-token request limits (429 with Retry-After); `false` turns them off. */
  rateLimit?: RateLimitOptions | false;
  /** Before-write hooks that can veto with a ScimError. */
  hooks?: Hooks;
  /**
   * Listeners for what happened. With a store that has an outbox (memory, SQLite, PostgreSQL),
   * driven from it: called soon after the write committed, retried when they throw. Without one,
   * called after each successful write. See docs/events.md.
   */
  events?: EventListeners;
  /** Receivers that get every event as a signed POST (Standard Webhooks, or RFC 9967 SETs); docs/events.md. */
  webhooks?: readonly WebhookConfig[];
  /**
   * The outbox's delivery: extra sinks (webhooks), retention, backoff, the feed (docs/events.md).
   * `false`: record no events in the store's outbox; listeners are called after the write.
   */
  delivery?: DeliveryOptions | false;
  /** Receives one record per request to /Users or /Groups. */
  audit?: AuditLog;
  /** Request count and latency by route and status, e.g. to feed a Prometheus histogram. */
  metrics?: MetricsHook;
  /** Every request, with redacted bodies for failures, for the console (docs/console.md). */
  requestLog?: RequestLogOptions;
  /** RFC 9865 cursor pagination on /Users and /Groups; see CursorOptions. */
  cursors?: CursorOptions;
  /**
   * Serve `GET /openapi.json`: an OpenAPI 3.1 description of this router, written from the same
   * schemas /Schemas serves (docs/openapi.md). Any valid token may read it, as discovery. Default: off.
   */
  openapi?: boolean | OpenApiOptions;
  /**
   * Which client quirks requests may use (docs/clients.md): "lenient" (default: every known
   * client's), "strict" (RFC 7643/7644 to the letter), a client's name ("okta", "entra",
   * "onelogin", "jumpcloud", "generic"), a profile of your own, or a function of the tenant.
   * A token's own `profile` wins over this.
   */
  profile?: ProfileChoice | ((tenant: string) => ProfileChoice | undefined);
}

/** The `info` of the OpenAPI document the `openapi` option serves. */
export interface OpenApiOptions {
  /** Default "SCIM 2.0 service". */
  title?: string;
  /** The version of your API as the document states it. Default "2.0". */
  version?: string;
  description?: string;
}

/** How cursors are signed and how long they live (RFC 9865). */
export interface CursorOptions {
  /**
   * Signs cursors (HMAC-SHA256), so a client can neither forge nor edit one. At least 32 bytes.
   * Default: random per router, so cursors die with the process and one instance cannot read
   * another's. Several instances behind a load balancer need the same secret on each.
   */
  secret?: string | Uint8Array;
  /** Seconds a cursor stays valid (RFC 9865 `cursorTimeout`). Default 3600. */
  timeout?: number;
  /** Milliseconds since the epoch; for tests. Default Date.now. */
  clock?: () => number;
}

/** Either static tokens or your own authentication, never both: the compiler rejects the mix. */
export type ScimOptions = CommonOptions &
  (
    | { tokens: readonly (TokenConfig | TokenRegistry)[] | TokenRegistry; auth?: never }
    | { auth: AuthFunction; tokens?: never }
  );

/** Every limit, after the defaults are applied. */
export interface ResolvedLimits extends Limits {
  /** Largest request body on any route (group POST/PUT carry up to 10,000 members). */
  bodyBytes: number;
  /** Largest body for /Users writes; the smaller of this and bodyBytes applies. */
  userBodyBytes: number;
  /** Largest SearchRequest body (POST /.search); the smaller of this and bodyBytes applies. */
  searchBodyBytes: number;
}

/**
 * The defaults of `limits` (kept in values/defaults.ts), deeply frozen: changing them would change
 * every router built afterwards, so a host passes `limits` instead. resolveLimits copies them.
 * The type makes the compiler check that every limit has a default.
 */
export const DEFAULT_LIMITS: Readonly<Omit<ResolvedLimits, "filter">> & { readonly filter: Readonly<FilterLimits> } =
  LIMIT_DEFAULTS;

/** The option keys of `limits` and `limits.filter`, read from the defaults (every limit has one). */
const LIMIT_KEYS = Object.keys(DEFAULT_LIMITS) as (keyof ResolvedLimits)[];
const FILTER_LIMIT_KEYS = Object.keys(DEFAULT_LIMITS.filter) as (keyof FilterLimits)[];

const consoleLogger: Logger = {
  error: (obj, msg) => process.stderr.write(`express-scim: ${msg ?? "error"} ${formatError(obj)}\n`),
  warn: (obj, msg) => process.stderr.write(`express-scim: warning: ${msg ?? ""} ${JSON.stringify(obj)}\n`),
};

/** A warning through the host's `logger.warn`, or one line on stderr when its logger has none. */
export function warnWith(logger: Logger): (obj: object, msg: string) => void {
  return (obj, msg) => (logger.warn ? logger.warn(obj, msg) : consoleLogger.warn!(obj, msg));
}

function formatError(obj: object): string {
  const err = (obj as { err?: unknown }).err;
  return err instanceof Error ? (err.stack ?? err.message) : JSON.stringify(obj);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(
      `express-scim: ${name.startsWith("cursors.") ? "" : "limits."}${name} must be a positive integer.`,
    );
  return value;
}

export function resolveLimits(given: ScimOptions["limits"] = {}): ResolvedLimits {
  const filter: FilterLimits = { ...DEFAULT_LIMITS.filter, ...given.filter };
  const limits: ResolvedLimits = { ...DEFAULT_LIMITS, ...given, filter };
  for (const key of LIMIT_KEYS) if (key !== "filter") positiveInteger(key, limits[key]);
  for (const key of FILTER_LIMIT_KEYS) positiveInteger(`filter.${key}`, filter[key]);
  if (limits.defaultCount > limits.maxCount)
    throw new TypeError("express-scim: limits.defaultCount must not exceed limits.maxCount.");
  return limits;
}

/**
 * Which client profile serves a request (docs/clients.md): the principal's (its token's), else
 * the `profile` option (one for all, or a function of the tenant), else "lenient", every known
 * client's quirks. A fixed choice is checked here, at start-up; a function's answer when asked.
 */
export function profileResolver(
  option: ScimOptions["profile"],
): (principal: Principal, tenant: string) => ResolvedProfile {
  if (option !== undefined && typeof option !== "function" && typeof option !== "string" && typeof option !== "object")
    throw new TypeError("express-scim: `profile` must be a profile name, { tolerates }, or a function of the tenant.");
  const fixed = typeof option === "function" ? undefined : resolveProfile(option ?? "lenient", "profile");
  const perTenant = typeof option === "function" ? option : undefined;
  return (principal, tenant) => {
    if (principal.profile !== undefined) return resolveProfile(principal.profile, "the principal's profile");
    if (perTenant) return resolveProfile(perTenant(tenant) ?? "lenient", `profile("${tenant}")`);
    return fixed!;
  };
}

const MIN_SECRET_BYTES = 32;

export function resolveCursors(given: CursorOptions = {}): CursorKeys {
  const secret = typeof given.secret === "string" ? Buffer.from(given.secret) : given.secret;
  if (secret !== undefined && (!(secret instanceof Uint8Array) || secret.length < MIN_SECRET_BYTES))
    throw new TypeError(
      `express-scim: cursors.secret must be a string or bytes of at least ${MIN_SECRET_BYTES} bytes.`,
    );
  const timeout = given.timeout ?? 3600;
  positiveInteger("cursors.timeout", timeout);
  if (given.clock !== undefined && typeof given.clock !== "function")
    throw new TypeError("express-scim: cursors.clock must be a function returning milliseconds.");
  return { secret: secret ?? randomBytes(MIN_SECRET_BYTES), timeoutSeconds: timeout, now: given.clock ?? Date.now };
}

export function checkStore(store: unknown): Store {
  const s = store as Store | undefined;
  const methods = ["create", "get", "query", "replace", "delete"] as const;
  const ok =
    !!s &&
    methods.every((m) => typeof s.users?.[m] === "function" && typeof s.groups?.[m] === "function") &&
    (["addMembers", "removeMembers", "replaceMembers", "groupsOf"] as const).every(
      (m) => typeof s.groups[m] === "function",
    );
  if (!ok) throw new TypeError("express-scim: `store` must implement the Store interface, e.g. memoryStore().");
  return s;
}

export function loggerOf(options: CommonOptions): Logger {
  const logger = options.logger;
  if (logger === undefined) return consoleLogger;
  if (typeof logger?.error !== "function" || (logger.warn !== undefined && typeof logger.warn !== "function")) {
    throw new TypeError(
      "express-scim: logger must have an error(obj, msg) method (and optionally warn), e.g. a pino or console-like logger.",
    );
  }
  return logger;
}

/** Hooks, listeners and sinks are checked once, so a typo is a start-up error, not a silent no-op. */
export function checkCallbacks(options: ScimOptions): void {
  const fn = (v: unknown) => v === undefined || typeof v === "function";
  for (const kind of ["users", "groups"] as const) {
    const hooks = options.hooks?.[kind] as Record<string, unknown> | undefined;
    for (const [name, hook] of Object.entries(hooks ?? {})) {
      if (!(HOOK_NAMES as readonly string[]).includes(name) || !fn(hook)) {
        throw new TypeError(`express-scim: hooks.${kind}.${name} is not a known hook function.`);
      }
    }
  }
  const known: readonly string[] = EVENT_TYPES;
  for (const [name, listener] of Object.entries(options.events ?? {})) {
    if (!known.includes(name) || !fn(listener))
      throw new TypeError(`express-scim: events["${name}"] is not a known event listener; known: ${known.join(", ")}.`);
  }
  if (
    options.audit !== undefined &&
    (typeof options.audit.append !== "function" || typeof options.audit.list !== "function")
  ) {
    throw new TypeError("express-scim: audit must have append() and list(), e.g. memoryAuditLog().");
  }
  if (!fn(options.metrics)) throw new TypeError("express-scim: metrics must be a function.");
}

const KNOWN: Record<string, readonly string[]> = {
  "": [
    "store",
    "tokens",
    "auth",
    "tenant",
    "limits",
    "strictExtensions",
    "logger",
    "rateLimit",
    "hooks",
    "events",
    "audit",
    "metrics",
    "requestLog",
    "mapping",
    "schemas",
    "userIdentity",
    "unknownMembers",
    "cursors",
    "webhooks",
    "openapi",
    "profile",
    "delivery",
  ],
  openapi: ["title", "version", "description"],
  delivery: DELIVERY_KEYS,
  "delivery.backoff": ["baseMs", "maxMs"],
  cursors: ["secret", "timeout", "clock"],
  limits: LIMIT_KEYS,
  "limits.filter": FILTER_LIMIT_KEYS,
  rateLimit: ["windowMs", "perTenant", "perToken", "store"],
  mapping: ["users", "groups"],
  schemas: ["users", "groups"],
  hooks: ["users", "groups", "transactional"],
};

/** The `openapi` option, checked: false when off, else the document's `info` overrides. */
export function resolveOpenApi(given: ScimOptions["openapi"]): false | OpenApiOptions {
  if (given === undefined || given === false) return false;
  if (given === true) return {};
  const ok =
    typeof given === "object" &&
    given !== null &&
    Object.values(given).every((v) => v === undefined || typeof v === "string");
  if (!ok) throw new TypeError("express-scim: openapi must be true, false or { title, version, description } strings.");
  return { ...given };
}

/** A misspelt option (`rateLimits`, `limits.maxMembers`) is a start-up error, not a silent default. */
export function checkKnownKeys(options: ScimOptions): void {
  for (const [where, known] of Object.entries(KNOWN)) {
    const value =
      where === ""
        ? options
        : where.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], options);
    if (typeof value !== "object" || value === null || Array.isArray(value)) continue;
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        const name = where ? `${where}.${key}` : key;
        throw new TypeError(
          `express-scim: unknown option "${name}"; known${where ? ` in ${where}` : ""}: ${known.join(", ")}.`,
        );
      }
    }
  }
}
