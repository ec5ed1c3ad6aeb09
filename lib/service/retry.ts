import { ScimError } from "../protocol/errors";

const ATTEMPTS = 5;

/**
 * Runs a read-modify-write, again when another writer got in between (412 from the store).
 * Only for writes the client did not pin to a version: then a 412 is the client's answer.
 * (Transient database failures, deadlocks and a busy file, are the stores' to retry: see
 * lib/stores/sql/retry.ts.)
 */
export async function withRetry<T>(retry: boolean, attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const conflict = error instanceof ScimError && error.status === 412;
      if (!retry || !conflict || i >= ATTEMPTS) throw error;
    }
  }
}
