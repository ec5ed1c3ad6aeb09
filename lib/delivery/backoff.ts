/**
 * When to try a failed delivery again, and when to give up: exponential backoff with jitter,
 * capped, for a bounded period, then "dead" (the dead-letter state, listed and replayed by hand).
 * Pure: the clock and the randomness come in as arguments, so the schedule is tested exactly.
 */
import type { Outcome } from "./sink";
import { BACKOFF_DEFAULTS } from "../values/defaults";

export interface BackoffPolicy {
  /** The delay after the first failure, before jitter. */
  initialDelayMs: number;
  /** No delay grows past this, however many failures. */
  maxDelayMs: number;
  /** How long after the first failure retries go on; a failure after that is dead. */
  periodMs: number;
}

/** The policy with defaults filled in; a bad value is a TypeError at start-up, naming the option. */
export function backoffPolicy(options: Partial<BackoffPolicy> = {}, label = "backoff"): BackoffPolicy {
  if (options === null || typeof options !== "object")
    throw new TypeError(`express-scim: ${label} must be an object like { periodMs: 86400000 }.`);
  const policy = {
    initialDelayMs: options.initialDelayMs ?? BACKOFF_DEFAULTS.initialDelayMs,
    maxDelayMs: options.maxDelayMs ?? BACKOFF_DEFAULTS.maxDelayMs,
    periodMs: options.periodMs ?? BACKOFF_DEFAULTS.periodMs,
  };
  for (const key of Object.keys(policy) as (keyof BackoffPolicy)[]) {
    const value = policy[key];
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new TypeError(`express-scim: ${label}.${key} must be a positive whole number of milliseconds.`);
  }
  if (policy.initialDelayMs > policy.maxDelayMs)
    throw new TypeError(`express-scim: ${label}.initialDelayMs must not exceed ${label}.maxDelayMs.`);
  return policy;
}

/**
 * The delay before the next try, in milliseconds, or "dead" once `policy.periodMs` has passed since
 * the first failure. `attempt` counts the failures so far (1 after the first). The delay doubles
 * with each failure up to `maxDelayMs`, and is jittered between half and all of that ("equal
 * jitter": events that failed together do not retry together, yet a retry never comes early). The
 * last try is placed at the end of the period, so a receiver that is back by then gets everything.
 */
export function nextDelay(
  attempt: number,
  firstFailureAt: Date,
  now: Date,
  random: () => number,
  policy: BackoffPolicy = BACKOFF_DEFAULTS,
): number | "dead" {
  const elapsed = now.getTime() - firstFailureAt.getTime();
  if (elapsed >= policy.periodMs) return "dead";
  // 2 ** 52 already dwarfs any cap; the exponent stops there so huge attempt counts stay finite.
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 52));
  const jitter = Math.min(Math.max(random(), 0), 1);
  const delay = ceiling / 2 + (jitter * ceiling) / 2;
  return Math.round(Math.min(delay, policy.periodMs - elapsed));
}

/**
 * What the delivery loop does after a failed try: "dead" for a permanent failure (410 Gone) or
 * once the period is over, else the delay, at least what the receiver asked for with Retry-After
 * (itself capped at `maxDelayMs`, so a receiver cannot park its events for a year).
 */
export function retryAfterFailure(
  outcome: Extract<Outcome, { ok: false }>,
  attempt: number,
  firstFailureAt: Date,
  now: Date,
  random: () => number,
  policy: BackoffPolicy = BACKOFF_DEFAULTS,
): number | "dead" {
  if (outcome.permanent) return "dead";
  const delay = nextDelay(attempt, firstFailureAt, now, random, policy);
  if (delay === "dead" || outcome.retryAfterMs === undefined) return delay;
  return Math.max(delay, Math.min(outcome.retryAfterMs, policy.maxDelayMs));
}
