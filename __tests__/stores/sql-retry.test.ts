/** The one retry loop of the SQL stores (lib/stores/sql/retry.ts): bounded, then 503, never 500. */
import { ScimError } from "../../lib/protocol/errors";
import { Restart, retrying, type RetryPolicy, type Transience } from "../../lib/stores/sql/retry";

const policy: RetryPolicy = { retries: 3, baseDelayMs: 1, maxDelayMs: 2 };
const busy = Object.assign(new Error("busy"), { code: "BUSY" });
const classify = (e: unknown): Transience =>
  (e as { code?: string }).code === "BUSY"
    ? "retry"
    : (e as { code?: string }).code === "DOWN"
      ? "unavailable"
      : undefined;

/** An attempt that fails with `errors` in turn, then answers "done". */
function attempts(...errors: unknown[]) {
  const calls = { n: 0 };
  const attempt = async () => {
    const error = errors[calls.n++];
    if (error !== undefined) throw error;
    return "done";
  };
  return { calls, attempt };
}

test("a transient failure is retried until the attempt succeeds", async () => {
  const { calls, attempt } = attempts(busy, busy, busy);
  await expect(retrying(policy, classify, attempt)).resolves.toBe("done");
  expect(calls.n).toBe(4);
});

test("retries are bounded: after `retries` more attempts, 503 with Retry-After", async () => {
  const { calls, attempt } = attempts(busy, busy, busy, busy, busy);
  const error = await retrying(policy, classify, attempt).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ScimError);
  expect(error).toMatchObject({ status: 503, headers: { "Retry-After": expect.stringMatching(/^\d+$/) } });
  expect(calls.n).toBe(4);
});

test("a waiting budget ends the retries too (SQLite's busyTimeout)", async () => {
  const { calls, attempt } = attempts(...Array.from({ length: 1000 }, () => busy));
  const error = await retrying(
    { retries: Number.POSITIVE_INFINITY, budgetMs: 0, baseDelayMs: 5, maxDelayMs: 5 },
    classify,
    attempt,
  ).catch((e: unknown) => e);
  expect(error).toMatchObject({ status: 503 });
  expect(calls.n).toBeLessThan(1000);
});

test("an unreachable database is 503 at once, without retrying", async () => {
  const { calls, attempt } = attempts(Object.assign(new Error("down"), { code: "DOWN" }));
  await expect(retrying(policy, classify, attempt)).rejects.toMatchObject({ status: 503 });
  expect(calls.n).toBe(1);
});

test("a Restart from the store's own code is retried; anything else passes through untouched", async () => {
  const restarted = attempts(new Restart("joined a group"));
  await expect(retrying(policy, classify, restarted.attempt)).resolves.toBe("done");
  const bug = new TypeError("bug");
  await expect(retrying(policy, classify, attempts(bug).attempt)).rejects.toBe(bug);
  const conflict = new ScimError(409, "uniqueness", "taken");
  await expect(retrying(policy, classify, attempts(conflict).attempt)).rejects.toBe(conflict);
});
