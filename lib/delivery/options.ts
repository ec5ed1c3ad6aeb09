/**
 * The `delivery` option of scim(): how events recorded in the store's outbox are kept and
 * delivered. Defaults live in lib/values/defaults.ts (EVENT_DEFAULTS); mistakes are TypeErrors
 * at start-up.
 */
import { parseDuration } from "../auth/duration";
import { BACKOFF_DEFAULTS, EVENT_DEFAULTS } from "../values/defaults";
import type { BackoffPolicy } from "./backoff";
import type { Sink } from "./sink";

/** The `delivery` option of scim(): sinks, redaction, retention, retries and the feed (docs/events.md). */
export interface DeliveryOptions {
  /**
   * Where events go besides the `events` listeners (which become a sink of their own). The
   * webhook and Security Event Token sinks are Sinks too. Each name must be unique and stable:
   * delivery state is kept per name.
   */
  sinks?: readonly Sink[];
  /** Attributes never recorded in an event (`password` never is): `"title"`, `"name.givenName"`, `"urn:...:User:employeeNumber"`. */
  redact?: readonly string[];
  /** How long events stay readable in the feed (and replayable): "7d" (default), "12h", or seconds. */
  retention?: string | number;
  /** A delivery failing this long after its event was recorded becomes a dead letter: "24h" (default). */
  deadLetterAfter?: string | number;
  /** How long a claim on deliveries holds; an instance that died loses its claims after it. Default "60s". */
  lease?: string | number;
  /** Exponential backoff with jitter between attempts, in ms: `{ baseMs: 5000, maxMs: 3600000 }` by default. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** Serve `GET /Events` (the feed) to tokens with the `get:events` scope. Default false. */
  feed?: boolean;
  /** Milliseconds between safety polls (other instances' retries, a lost NOTIFY). Default 5000. */
  pollMs?: number;
  /** For tests: the time in ms (default Date.now). */
  clock?: () => number;
  /** For tests: a random number in [0, 1) for the backoff's jitter (default Math.random). */
  random?: () => number;
}

export interface ResolvedDelivery {
  sinks: readonly Sink[];
  redact: readonly string[];
  retentionMs: number;
  leaseMs: number;
  /** The retry schedule; its period is `deadLetterAfter`. */
  backoff: BackoffPolicy;
  feed: boolean;
  pollMs: number;
  clock: () => number;
  random: () => number;
}

export const DELIVERY_KEYS = [
  "sinks",
  "redact",
  "retention",
  "deadLetterAfter",
  "lease",
  "backoff",
  "feed",
  "pollMs",
  "clock",
  "random",
] as const satisfies readonly (keyof DeliveryOptions)[];

const fail = (what: string): never => {
  throw new TypeError(`express-scim: delivery.${what}`);
};

export function resolveDelivery(given: DeliveryOptions = {}): ResolvedDelivery {
  const sinks = given.sinks ?? [];
  if (!Array.isArray(sinks)) fail("sinks must be an array of sinks ({ name, deliver }).");
  for (const sink of sinks) {
    if (typeof sink?.name !== "string" || sink.name === "" || typeof sink.deliver !== "function")
      fail("sinks: each sink needs a non-empty name and a deliver(event, signal) function.");
  }
  const redact = given.redact ?? [];
  if (!Array.isArray(redact) || redact.some((r) => typeof r !== "string" || r === ""))
    fail('redact must be an array of attribute names, e.g. ["title", "urn:...:User:employeeNumber"].');
  const ms = (v: number | undefined, fallback: number, name: string) => {
    const value = v ?? fallback;
    if (!Number.isInteger(value) || value < 1) fail(`${name} must be a positive whole number of milliseconds.`);
    return value;
  };
  const baseMs = ms(given.backoff?.baseMs, BACKOFF_DEFAULTS.initialDelayMs, "backoff.baseMs");
  const maxMs = ms(given.backoff?.maxMs, BACKOFF_DEFAULTS.maxDelayMs, "backoff.maxMs");
  for (const name of ["clock", "random"] as const)
    if (given[name] !== undefined && typeof given[name] !== "function") fail(`${name} must be a function.`);
  return {
    sinks,
    redact,
    retentionMs: parseDuration(given.retention ?? EVENT_DEFAULTS.retention),
    leaseMs: parseDuration(given.lease ?? EVENT_DEFAULTS.lease),
    backoff: {
      initialDelayMs: baseMs,
      maxDelayMs: Math.max(baseMs, maxMs),
      periodMs: given.deadLetterAfter === undefined ? BACKOFF_DEFAULTS.periodMs : parseDuration(given.deadLetterAfter),
    },
    feed: given.feed === true,
    pollMs: ms(given.pollMs, EVENT_DEFAULTS.pollMs, "pollMs"),
    clock: given.clock ?? Date.now,
    random: given.random ?? Math.random,
  };
}
