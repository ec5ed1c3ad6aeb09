/**
 * The delivery loop on its own, over the memory store's outbox, with jest's fake timers moving
 * time: commits a few milliseconds apart go out in one claim and one settlement.
 */
import { randomUUID } from "node:crypto";
import { memoryStore } from "../../lib";
import { DeliveryLoop } from "../../lib/delivery/loop";
import type { Outbox } from "../../lib/stores/outbox";
import { BACKOFF_DEFAULTS, EVENT_DEFAULTS } from "../../lib/values/defaults";

const ctx = { tenant: "default" };
const silent = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

afterEach(() => jest.useRealTimers());

test("commits a few milliseconds apart are claimed together: one settlement for all of them, in order", async () => {
  jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
  const outbox = memoryStore().outbox!;
  const settled: number[] = [];
  const counted: Outbox = {
    ...outbox,
    settle: (sink, owner, settlements) => {
      settled.push(settlements.length);
      return outbox.settle(sink, owner, settlements);
    },
  };
  const heard: string[] = [];
  const loop = new DeliveryLoop({
    outbox: counted,
    sinks: [
      {
        name: "crm",
        deliver: async (e) => {
          heard.push(e.resourceId);
          return { ok: true as const };
        },
      },
    ],
    logger: silent,
    leaseMs: 60_000,
    retentionMs: 7 * 24 * 3600 * 1000,
    backoff: BACKOFF_DEFAULTS,
    batch: EVENT_DEFAULTS.batch,
    pollMs: 60_000,
    gatherMs: 5,
    clock: () => Date.now(),
    random: () => 0.5,
  });
  loop.start();
  await loop.idle();
  // Four writes, a millisecond apart, each telling the loop as the router does after a commit.
  for (const id of ["u1", "u2", "u3", "u4"]) {
    await outbox.append(
      ctx,
      [
        {
          id: randomUUID(),
          type: "user.updated",
          tenant: ctx.tenant,
          resourceType: "User",
          resourceId: id,
          actor: "okta",
          time: new Date().toISOString(),
          data: {},
        },
      ],
      ["crm"],
    );
    loop.soon();
    await jest.advanceTimersByTimeAsync(1);
  }
  expect(heard).toEqual([]);
  await jest.advanceTimersByTimeAsync(5);
  await loop.idle();
  expect(heard).toEqual(["u1", "u2", "u3", "u4"]);
  expect(settled).toEqual([4]);
  await loop.stop();
});
