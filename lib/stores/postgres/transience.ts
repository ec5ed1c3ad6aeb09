/** What PostgreSQL's error codes mean to the store: worth another attempt, or "not now" (503). */
import type { Transience } from "../sql/retry";

const RETRYABLE = new Set(["40P01", "40001"]); // deadlock_detected, serialization_failure
const QUERY_CANCELED = "57014"; // statement_timeout, or pg_cancel_backend()
/** too_many_connections, admin_shutdown, crash_shutdown, cannot_connect_now; class 08 below. */
const UNAVAILABLE = new Set(["53300", "57P01", "57P02", "57P03", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"]);

/**
 * Which failures are worth another attempt, and which mean the database cannot serve us now. A
 * statement cancelled by statement_timeout is the server's trouble (load, locks, a bad plan), not
 * the client's: the work budget already refused what is too costly by its shape. So 503 with
 * Retry-After, which Okta and Entra retry, rather than a 400 they would not.
 */
export function transience(error: unknown): Transience {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  if (RETRYABLE.has(code)) return "retry";
  return UNAVAILABLE.has(code) || code === QUERY_CANCELED || code.startsWith("08") ? "unavailable" : undefined;
}
