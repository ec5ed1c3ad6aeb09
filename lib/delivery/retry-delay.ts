/**
 * When a failed delivery is tried again: exponential backoff with "equal jitter" (half the delay
 * fixed, half random), so instances that failed together do not retry together, and a receiver
 * that asked for a delay (Retry-After) gets at least that.
 */
export interface Backoff {
  /** The first retry's delay, in ms. */
  baseMs: number;
  /** No retry waits longer than this. */
  maxMs: number;
}

/** The delay before attempt `failures + 1`, after `failures` failed ones (1 or more). */
export function retryDelay(backoff: Backoff, failures: number, random: () => number, retryAfterMs = 0): number {
  const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(failures - 1, 40));
  const jittered = exponential / 2 + (exponential / 2) * random();
  return Math.max(Math.round(jittered), retryAfterMs);
}
