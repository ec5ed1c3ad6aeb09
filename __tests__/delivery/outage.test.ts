/**
 * The pieces the delivery loop composes, through a receiver down for 10 simulated minutes: a
 * webhookSink and retryAfterFailure on an injected clock (no sleeps). A miniature loop stands in for
 * the outbox's: one head event per resource at a time, retried at the times the backoff says.
 */
import { randomBytes } from "node:crypto";
import { retryAfterFailure } from "../../lib/delivery/backoff";
import { webhookSink } from "../../lib/delivery/webhook-sink";
import type { EventEnvelope } from "../../lib/events/envelope";
import { envelope, never, type Receiver, startReceiver } from "./receiver";

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

test("a receiver down for 10 minutes gets every event afterwards, in order per resource; retries keep their webhook-id", async () => {
  const start = Date.parse("2026-01-01T00:00:00Z");
  const outage = 10 * 60 * 1000;
  let now = start;
  receiver.answer((_req, res) => res.writeHead(now - start < outage ? 503 : 204).end());
  const sink = webhookSink({
    url: receiver.url,
    secret: `whsec_${randomBytes(32).toString("base64")}`,
    allowInsecureLoopback: true,
    clock: () => new Date(now),
  });

  const queues = new Map<string, EventEnvelope[]>();
  for (let i = 0; i < 12; i++) {
    const e = envelope({ resourceId: `user-${i % 3}` });
    queues.set(e.resourceId, [...(queues.get(e.resourceId) ?? []), e]);
  }
  const expected = new Map([...queues].map(([id, events]) => [id, events.map((e) => e.id)]));
  const state = new Map([...queues.keys()].map((id) => [id, { due: start, attempt: 0, firstFailureAt: start }]));
  // Fixed dice: 0.3, 0.4, 0.1, 0.0, 0.3, ... reproducible jitter.
  let roll = 0;
  const dice = () => {
    roll = (roll * 7 + 3) % 10;
    return roll / 10;
  };

  while ([...queues.values()].some((q) => q.length > 0)) {
    const [resource, head] = [...state]
      .filter(([id]) => queues.get(id)!.length > 0)
      .sort((a, b) => a[1].due - b[1].due)[0]!;
    now = Math.max(now, head.due);
    const event = queues.get(resource)![0]!;
    const outcome = await sink.deliver(event, never);
    if (outcome.ok) {
      queues.get(resource)!.shift();
      state.set(resource, { due: now, attempt: 0, firstFailureAt: now });
      continue;
    }
    const attempt = head.attempt + 1;
    const firstFailureAt = attempt === 1 ? now : head.firstFailureAt;
    const delay = retryAfterFailure(outcome, attempt, new Date(firstFailureAt), new Date(now), dice);
    if (delay === "dead") throw new Error("dead within the default day");
    state.set(resource, { due: now + delay, attempt, firstFailureAt });
  }

  expect(now - start).toBeGreaterThanOrEqual(outage);
  // How late: at most the step reached by then (5 s doubled 7 times, about 11 minutes).
  expect(now - start).toBeLessThan(outage + 10 * 60 * 1000);
  const received = receiver.received.map((r) => ({ id: String(r.headers["webhook-id"]), body: JSON.parse(r.body) }));
  const failedTries = received.length - 12;
  expect(failedTries).toBeGreaterThan(12);
  for (const [resource, ids] of expected) {
    const delivered = received.filter((r) => r.body.resourceId === resource).map((r) => r.id);
    // Every try of an event, failed or not, carries its id; no event is tried before the one ahead of it.
    expect([...new Set(delivered)]).toEqual(ids);
  }
  for (const r of received) expect(r.body.id).toBe(r.id);
});
