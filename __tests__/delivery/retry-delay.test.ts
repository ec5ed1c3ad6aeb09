import { retryDelay } from "../../lib/delivery/retry-delay";

const backoff = { baseMs: 1000, maxMs: 60_000 };

describe("retry delays: exponential, jittered, capped, at least what the receiver asked", () => {
  test.each([
    // failures, random, expected ms
    [1, 0, 500],
    [1, 0.999999, 1000],
    [2, 0, 1000],
    [3, 0.5, 3000],
    [7, 0, 30_000],
    [7, 1, 60_000],
    [50, 0.5, 45_000],
  ])("after %i failure(s) with random %f: %i ms", (failures, random, expected) => {
    expect(retryDelay(backoff, failures, () => random)).toBe(expected);
  });

  test("Retry-After wins when it asks for longer", () => {
    expect(retryDelay(backoff, 1, () => 0, 120_000)).toBe(120_000);
    expect(retryDelay(backoff, 1, () => 0, 10)).toBe(500);
  });
});
