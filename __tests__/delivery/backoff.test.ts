/** The retry schedule the delivery loop follows: exact, because the clock and the dice are injected. */
import { type BackoffPolicy, backoffPolicy, nextDelay, retryAfterFailure } from "../../lib/delivery/backoff";
import { BACKOFF_DEFAULTS } from "../../lib/values/defaults";

const HOUR = 60 * 60 * 1000;
const start = new Date("2026-01-01T00:00:00Z");
const at = (ms: number) => new Date(start.getTime() + ms);

/** Plays a receiver that never comes back: every try fails; returns each delay until dead. */
function schedule(random: () => number, policy: BackoffPolicy = BACKOFF_DEFAULTS) {
  const delays: number[] = [];
  let now = 0;
  for (let attempt = 1; attempt < 10_000; attempt++) {
    const delay = nextDelay(attempt, start, at(now), random, policy);
    if (delay === "dead") return { delays, deadAt: now };
    delays.push(delay);
    now += delay;
  }
  throw new Error("never dead");
}

describe("nextDelay", () => {
  test("doubles from 5 s, capped at an hour, with no jitter at the top of the range", () => {
    const { delays } = schedule(() => 1 - Number.EPSILON);
    expect(delays.slice(0, 6)).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000]);
    expect(Math.max(...delays)).toBe(HOUR);
  });

  test("jitter keeps each delay between half and all of its step, never early", () => {
    expect(nextDelay(3, start, start, () => 0)).toBe(10_000);
    expect(nextDelay(3, start, start, () => 0.5)).toBe(15_000);
    expect(nextDelay(3, start, start, () => 0.999_999)).toBe(20_000);
  });

  test("a receiver that never answers is dead after the default day, with a last try at its end", () => {
    for (const random of [() => 0, () => 0.5, () => 0.99]) {
      const { delays, deadAt } = schedule(random);
      expect(deadAt).toBe(24 * HOUR);
      expect(delays.length).toBeGreaterThan(20);
      expect(delays.length).toBeLessThan(60);
    }
  });

  test("a shorter period ends sooner; the first failure's time, not the attempt count, decides", () => {
    const policy = backoffPolicy({ periodMs: 10 * 60 * 1000 });
    expect(schedule(() => 0.5, policy).deadAt).toBe(10 * 60 * 1000);
    expect(nextDelay(1, start, at(10 * 60 * 1000), () => 0.5, policy)).toBe("dead");
    expect(nextDelay(1, start, at(10 * 60 * 1000 - 1), () => 0.5, policy)).toBe(1);
  });

  test("huge attempt counts stay finite", () => {
    expect(nextDelay(5_000, start, start, () => 0)).toBe(HOUR / 2);
  });
});

describe("retryAfterFailure", () => {
  test("410 Gone is dead at once", () => {
    expect(retryAfterFailure({ ok: false, error: "HTTP 410", permanent: true }, 1, start, start, () => 0)).toBe("dead");
  });

  test("Retry-After is honoured when longer than the backoff, capped at maxDelayMs", () => {
    const failure = (retryAfterMs: number) => ({ ok: false as const, error: "HTTP 429", retryAfterMs });
    expect(retryAfterFailure(failure(120_000), 1, start, start, () => 0)).toBe(120_000);
    expect(retryAfterFailure(failure(1_000), 1, start, start, () => 0)).toBe(2_500);
    expect(retryAfterFailure(failure(365 * 24 * HOUR), 1, start, start, () => 0)).toBe(HOUR);
    expect(retryAfterFailure(failure(1_000), 1, start, at(24 * HOUR), () => 0)).toBe("dead");
  });
});

describe("backoffPolicy", () => {
  test("fills defaults and refuses nonsense at start-up", () => {
    expect(backoffPolicy()).toEqual(BACKOFF_DEFAULTS);
    expect(backoffPolicy({ periodMs: 1000, maxDelayMs: 500, initialDelayMs: 100 })).toEqual({
      periodMs: 1000,
      maxDelayMs: 500,
      initialDelayMs: 100,
    });
    expect(() => backoffPolicy({ periodMs: -1 })).toThrow(/backoff\.periodMs must be a positive whole number/);
    expect(() => backoffPolicy({ maxDelayMs: Number.NaN })).toThrow(TypeError);
    expect(() => backoffPolicy({ initialDelayMs: 10_000, maxDelayMs: 1_000 })).toThrow(
      /initialDelayMs must not exceed backoff\.maxDelayMs/,
    );
    expect(() => backoffPolicy("1h" as never)).toThrow(TypeError);
  });
});
