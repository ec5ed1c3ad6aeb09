/**
 * Transient database conditions, handled once for every operation and transaction of the SQL
 * stores: PostgreSQL's deadlocks and serialization failures (40P01, 40001) and SQLite's busy
 * file are retried after a random wait under an exponentially growing cap ("full jitter", so
 * writers that collided do not collide again in step). When the retries run out, or the
 * database cannot be reached at all, the client gets 503 with Retry-After, never a 500: Okta and
 * Entra retry 5xx, and Retry-After tells them when.
 */
import { debugStore } from "../../debug";
import { unavailable } from "../../protocol/errors";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Stop once this many ms have been spent waiting between attempts (SQLite's busyTimeout). */
  budgetMs?: number;
  /** Cap of the first wait; it doubles with every retry, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** `retry`: run the attempt again; `unavailable`: answer 503 at once (e.g. the server is down). */
export type Transience = "retry" | "unavailable" | undefined;

/** Seconds a client is told to wait after a 503. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * Thrown by store code that finds the database changed under it in a way its locks did not
 * cover, and must start its transaction over (see `remove` in records.ts).
 */
export class Restart extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "Restart";
  }
}

const busy = () => unavailable("The database is busy; retry later.", RETRY_AFTER_SECONDS);

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `attempt`, again after a transient failure, while the policy allows; then 503. */
export async function retrying<T>(
  policy: RetryPolicy,
  classify: (error: unknown) => Transience,
  attempt: () => Promise<T>,
): Promise<T> {
  let waited = 0;
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const kind = error instanceof Restart ? "retry" : classify(error);
      if (kind === undefined) throw error;
      const delay = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** i);
      const spent = i >= policy.retries || (policy.budgetMs !== undefined && waited + delay > policy.budgetMs);
      if (kind === "unavailable" || spent) {
        debugStore(
          "transient failure, answering 503 after %d attempt(s): %s",
          i + 1,
          (error as Error)?.message ?? String(error),
        );
        throw busy();
      }
      debugStore(
        "transient failure, retry %d in %dms: %s",
        i + 1,
        Math.round(delay),
        (error as Error)?.message ?? String(error),
      );
      waited += delay;
      await wait(delay);
    }
  }
}
