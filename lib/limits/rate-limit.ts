/**
 * Per-tenant and per-token request limits (clients.md: answer overload with 429 and
 * Retry-After; Okta and Entra both back off and retry). Counting sits behind the Store
 * interface of express-rate-limit, so its stores (Redis, Memcached, ...) share one limit
 * across app instances.
 */
import { RATE_LIMIT_DEFAULTS } from "../values/defaults";

/** The part of express-rate-limit's Store interface this limiter uses. */
export interface RateLimitStore {
  /** Called once with the window length before the first request. */
  init?(options: { windowMs: number }): void;
  /** Counts one request for `key`; answers the hits in the current window and when it resets. */
  increment(
    key: string,
  ): Promise<{ totalHits: number; resetTime: Date | undefined }> | { totalHits: number; resetTime: Date | undefined };
}

/** Per-tenant and per-token request limits (the `rateLimit` option). */
export interface RateLimitOptions {
  /** Length of one counting window. Default 10 s. */
  windowMs?: number;
  /** Requests per window for one tenant. Default 300 (30/s: Entra needs at least 25/s). */
  perTenant?: number;
  /**
   * Requests per window for one token, whatever tenant it is used for (the principal's
   * `tokenId`, else its `label`). Default 300.
   */
  perToken?: number;
  /** Where counts live. Default: this process's memory. */
  store?: RateLimitStore;
}

export interface Verdict {
  allowed: boolean;
  /** Seconds until the window that refused the request resets. */
  retryAfter: number;
}

/** Fixed windows in process memory; expired windows are swept as new ones start. */
export function memoryRateLimitStore(): RateLimitStore {
  let windowMs: number = RATE_LIMIT_DEFAULTS.windowMs;
  const hits = new Map<string, { count: number; resetAt: number }>();
  let nextSweep = 0;
  return {
    init(options) {
      windowMs = options.windowMs;
    },
    increment(key) {
      const now = Date.now();
      if (now >= nextSweep) {
        for (const [k, w] of hits) if (w.resetAt <= now) hits.delete(k);
        nextSweep = now + windowMs;
      }
      let w = hits.get(key);
      if (!w || w.resetAt <= now) {
        w = { count: 0, resetAt: now + windowMs };
        hits.set(key, w);
      }
      w.count += 1;
      return { totalHits: w.count, resetTime: new Date(w.resetAt) };
    },
  };
}

/**
 * The two counts, taken in order. A request is counted against its token first; only a request
 * within its token's limit that also has the scope of the handler it reaches is counted against
 * the tenant, so a noisy or scope-less token spends its own budget, never its tenant's.
 */
export interface RateLimiter {
  /** Keyed by the credential alone: varying the tenant in the URL does not give a token a fresh budget. */
  token(token: string): Promise<Verdict>;
  tenant(tenant: string): Promise<Verdict>;
}

export function rateLimiter(options: RateLimitOptions): RateLimiter {
  const windowMs = options.windowMs ?? RATE_LIMIT_DEFAULTS.windowMs;
  const perTenant = options.perTenant ?? RATE_LIMIT_DEFAULTS.perTenant;
  const perToken = options.perToken ?? RATE_LIMIT_DEFAULTS.perToken;
  for (const [name, v] of [
    ["windowMs", windowMs],
    ["perTenant", perTenant],
    ["perToken", perToken],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new TypeError(`express-scim: rateLimit.${name} must be a positive integer.`);
  }
  const store = options.store ?? memoryRateLimitStore();
  if (typeof store.increment !== "function")
    throw new TypeError("express-scim: rateLimit.store must have increment(key).");
  store.init?.({ windowMs });
  const retryAfter = (reset: Date | undefined) =>
    Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000));
  // Keys are namespaced so one counting store can serve other limiters of the host too.
  const count = async (key: string, limit: number): Promise<Verdict> => {
    const hit = await store.increment(key);
    return hit.totalHits > limit
      ? { allowed: false, retryAfter: retryAfter(hit.resetTime) }
      : { allowed: true, retryAfter: 0 };
  };
  return {
    token: (token) => count(`express-scim:token:${token}`, perToken),
    tenant: (tenant) => count(`express-scim:tenant:${tenant}`, perTenant),
  };
}
