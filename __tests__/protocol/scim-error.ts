/** The ScimError a synchronous call throws; anything else it throws, or no throw at all, fails the test. */
import { ScimError } from "../../lib/protocol/errors";

export function scimErrorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw new Error(`expected a ScimError, got ${String(e)}`);
  }
  throw new Error("expected a ScimError, nothing was thrown");
}
