/**
 * Where the delivery loop hands each event: in-process listeners, a webhook endpoint, a Security
 * Event Token receiver. A sink is told about one event at a time, in order per resource, and says
 * how it went; the loop owns retries, backoff, leases and the dead-letter state.
 */
import type { EventEnvelope } from "../events/envelope";

/** A delivery channel: named (delivery state is kept per name), handed one event at a time. */
export interface Sink {
  /** Stable across restarts and instances: delivery state is kept per sink name. */
  readonly name: string;
  /** Resolves with the outcome; a throw counts as a retryable failure. `signal` aborts on shutdown. */
  deliver(event: EventEnvelope, signal: AbortSignal): Promise<Outcome>;
}

/** How one delivery went: delivered, or failed (retry later, or at once a dead letter when `permanent`). */
export type Outcome =
  | { ok: true }
  | {
      ok: false;
      /** Short, secret-free reason kept with the delivery (shown in the dead-letter list). */
      error: string;
      /** The receiver asked for a delay (Retry-After); the loop waits at least this long. */
      retryAfterMs?: number;
      /** Retrying cannot help (e.g. 410 Gone): dead-letter at once. */
      permanent?: boolean;
    };

/**
 * Refuses two sinks of one router with the same name (they would share delivery state), naming
 * where each was configured (`webhooks[1]`, `delivery.sinks[0]`, ...).
 */
export function checkSinkNames(sinks: readonly { name: string; origin: string }[]): void {
  const seen = new Map<string, string>();
  for (const { name, origin } of sinks) {
    const other = seen.get(name);
    if (other !== undefined)
      throw new TypeError(
        `express-scim: ${other} and ${origin} are both named "${name}"; give one a distinct name (delivery state is kept per name).`,
      );
    seen.set(name, origin);
  }
}
