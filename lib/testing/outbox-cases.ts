/**
 * Conformance cases for `store.outbox` (lib/stores/outbox.ts), switched on by the `outbox`
 * capability: events land with the write's transaction or not at all, the feed is numbered
 * without gaps, and claims hand each resource's events out one at a time, in order.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { NewEvent } from "../stores/outbox";
import type { Store, StoreContext } from "../stores/types";
import type { Capability } from "./capabilities";

type Case = (store: Store, ctx: StoreContext) => Promise<void>;

const T0 = Date.parse("2026-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms);

const event = (resourceId: string, ms = 0): NewEvent => ({
  id: randomUUID(),
  type: "user.updated",
  tenant: "",
  resourceType: "User",
  resourceId,
  actor: "kit",
  time: at(ms).toISOString(),
  data: { changed: ["title"] },
});

const outboxOf = (store: Store) => {
  assert.ok(store.outbox, "store.outbox is missing");
  return store.outbox;
};

/** Every sink name a case uses is its own, so stores that share a database do not see each other's claims. */
const sinkName = () => `kit-${randomUUID()}`;

const lease = (owner: string, ms: number, limit = 10) => ({ owner, now: at(ms), until: at(ms + 60_000), limit });

export const outboxCases: [Capability, string, Case][] = [
  [
    "outbox",
    "appended events are read back in order, numbered 1, 2, 3 per tenant",
    async (store, ctx) => {
      const outbox = outboxOf(store);
      const [a, b, c] = [event("u1"), event("u2"), event("u1")];
      await outbox.append(ctx, [a, b], []);
      await outbox.append(ctx, [c], []);
      const feed = await outbox.read(ctx, 0, 10);
      assert.deepEqual(
        feed.map((e) => [e.id, e.seq, e.tenant]),
        [
          [a.id, 1, ctx.tenant],
          [b.id, 2, ctx.tenant],
          [c.id, 3, ctx.tenant],
        ],
      );
      assert.deepEqual(feed[0]!.data, { changed: ["title"] });
      assert.equal(feed[0]!.time, a.time);
      assert.deepEqual(
        (await outbox.read(ctx, 1, 1)).map((e) => e.seq),
        [2],
      );
      assert.deepEqual(await outbox.read({ tenant: `${ctx.tenant}-other` }, 0, 10), []);
    },
  ],
  [
    "outbox",
    "events appended in a transaction that rolls back are gone, and their numbers are reused",
    async (store, ctx) => {
      assert.ok(store.transaction, "an outbox needs store.transaction");
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.users.create(ctx, { userName: "rolled-back" });
          await outboxOf(tx).append(ctx, [event("u1")], ["s"]);
          throw new Error("abort");
        }),
        /abort/,
      );
      assert.deepEqual(await outboxOf(store).read(ctx, 0, 10), []);
      const kept = event("u2");
      await store.transaction(async (tx) => outboxOf(tx).append(ctx, [kept], []));
      assert.deepEqual(
        (await outboxOf(store).read(ctx, 0, 10)).map((e) => [e.id, e.seq]),
        [[kept.id, 1]],
      );
    },
  ],
  [
    "outbox",
    "a claim takes each resource's oldest event only; the next follows once it is delivered",
    async (store, ctx) => {
      const outbox = outboxOf(store);
      const sink = sinkName();
      const [a1, b1, a2] = [event("a"), event("b"), event("a")];
      await outbox.append(ctx, [a1, b1, a2], [sink]);
      const first = await outbox.claim(sink, lease("one", 1000));
      assert.deepEqual(first.map((d) => d.event.id).sort(), [a1.id, b1.id].sort());
      // Leased: no other instance gets them, nor a2 behind a1.
      assert.deepEqual(await outbox.claim(sink, lease("two", 1000)), []);
      await outbox.settle(sink, "one", [{ id: a1.id, outcome: "delivered" }]);
      assert.deepEqual(
        (await outbox.claim(sink, lease("two", 2000))).map((d) => d.event.id),
        [a2.id],
      );
    },
  ],
  [
    "outbox",
    "an expired lease is taken over; the old owner's late settlement changes nothing",
    async (store, ctx) => {
      const outbox = outboxOf(store);
      const sink = sinkName();
      const e = event("a");
      await outbox.append(ctx, [e], [sink]);
      assert.equal((await outbox.claim(sink, lease("crashed", 0))).length, 1);
      const taken = await outbox.claim(sink, lease("heir", 61_000));
      assert.deepEqual(
        taken.map((d) => d.event.id),
        [e.id],
      );
      await outbox.settle(sink, "crashed", [{ id: e.id, outcome: "delivered" }]);
      await outbox.settle(sink, "heir", [{ id: e.id, outcome: "retry", at: at(200_000), error: "503" }]);
      assert.deepEqual(await outbox.claim(sink, lease("heir", 130_000)), []);
      const again = await outbox.claim(sink, lease("heir", 200_000));
      assert.deepEqual(
        again.map((d) => [d.event.id, d.attempts]),
        [[e.id, 1]],
      );
    },
  ],
  [
    "outbox",
    "dead letters are listed, unblock the resource's next event, and replay on demand",
    async (store, ctx) => {
      const outbox = outboxOf(store);
      const sink = sinkName();
      const [a1, a2] = [event("a"), event("a")];
      await outbox.append(ctx, [a1, a2], [sink]);
      await outbox.claim(sink, lease("one", 0));
      await outbox.settle(sink, "one", [{ id: a1.id, outcome: "dead", error: "410 Gone" }]);
      const dead = await outbox.deadLetters({ sink, limit: 10 });
      assert.deepEqual(
        dead.map((d) => [d.event.id, d.error, d.attempts, d.sink]),
        [[a1.id, "410 Gone", 1, sink]],
      );
      const next = await outbox.claim(sink, lease("one", 1000));
      assert.deepEqual(
        next.map((d) => d.event.id),
        [a2.id],
      );
      await outbox.settle(sink, "one", [{ id: a2.id, outcome: "delivered" }]);
      assert.equal(await outbox.replay({ sink, now: at(5000) }), 1);
      assert.deepEqual(await outbox.deadLetters({ sink, limit: 10 }), []);
      const replayed = await outbox.claim(sink, lease("one", 5000));
      assert.deepEqual(
        replayed.map((d) => [d.event.id, d.attempts, d.since.getTime()]),
        [[a1.id, 0, at(5000).getTime()]],
      );
    },
  ],
  [
    "outbox",
    "prune forgets old events no sink waits for, and keeps the rest",
    async (store, ctx) => {
      const outbox = outboxOf(store);
      const sink = sinkName();
      const [old, waiting, recent] = [event("a", 0), event("b", 10), event("c", 1_000_000)];
      await outbox.append(ctx, [old], []);
      await outbox.append(ctx, [waiting], [sink]);
      await outbox.append(ctx, [recent], []);
      await outbox.prune(at(500_000));
      assert.deepEqual(
        (await outbox.read(ctx, 0, 10)).map((e) => e.seq),
        [2, 3],
      );
    },
  ],
  [
    "outbox",
    "prune with every event old forgets them all, and the numbering goes on where it was",
    async (store, ctx) => {
      const outbox = outboxOf(store);
      const sink = sinkName();
      // Later than every other case's events: prune is for the whole store, and a store may be shared.
      const late = 10_000_000;
      await outbox.append(ctx, [event("a", late), event("b", late + 10)], [sink]);
      const claimed = await outbox.claim(sink, lease("kit", late + 20));
      await outbox.settle(
        sink,
        "kit",
        claimed.map((c) => ({ id: c.event.id, outcome: "delivered" as const })),
      );
      assert.ok((await outbox.prune(at(late + 1_000_000))) >= 2);
      assert.deepEqual(await outbox.read(ctx, 0, 10), []);
      const next = event("c", late + 1_000_001);
      await outbox.append(ctx, [next], [sink]);
      assert.deepEqual(
        (await outbox.read(ctx, 0, 10)).map((e) => [e.id, e.seq]),
        [[next.id, 3]],
      );
      assert.deepEqual(
        (await outbox.claim(sink, lease("kit", late + 1_000_002))).map((c) => c.event.id),
        [next.id],
      );
    },
  ],
  [
    "outbox",
    "pending counts each sink's deliveries still to make, up to a cap, dead letters aside, with the first one's time",
    async (store, ctx) => {
      const outbox = outboxOf(store);
      const [a, b] = [sinkName(), sinkName()];
      const [e1, e2, e3, e4] = [event("p1", 100), event("p2", 200), event("p3", 300), event("p4", 400)];
      await outbox.append(ctx, [e1, e2, e3], [a]);
      await outbox.append(ctx, [e4], [b]);
      const claimed = await outbox.claim(a, lease("kit", 500));
      await outbox.settle(a, "kit", [
        { id: e1.id, outcome: "dead", error: "410" },
        ...claimed.filter((c) => c.event.id !== e1.id).map((c) => ({ id: c.event.id, outcome: "released" as const })),
      ]);
      const ours = async (cap: number) =>
        (await outbox.pending(cap))
          .filter((p) => p.sink === a || p.sink === b)
          .sort((x, y) => (x.sink < y.sink ? -1 : 1));
      const expected = [
        { sink: a, count: 2, oldest: at(200) },
        { sink: b, count: 1, oldest: at(400) },
      ].sort((x, y) => (x.sink < y.sink ? -1 : 1));
      assert.deepEqual(await ours(10), expected);
      assert.deepEqual(
        (await ours(1)).map((p) => [p.sink, p.count]),
        expected.map((p) => [p.sink, 1]),
      );
    },
  ],
  [
    "outbox",
    "forgetSink drops one sink's pending and dead deliveries, and no other sink's",
    async (store, ctx) => {
      const outbox = outboxOf(store);
      const [gone, kept] = [sinkName(), sinkName()];
      const [a, b] = [event("fa"), event("fb")];
      await outbox.append(ctx, [a, b], [gone, kept]);
      const claimed = await outbox.claim(gone, lease("kit", 0));
      await outbox.settle(gone, "kit", [{ id: claimed[0]!.event.id, outcome: "dead", error: "410" }]);
      assert.equal(await outbox.forgetSink(gone), 2);
      assert.deepEqual(await outbox.deadLetters({ sink: gone, limit: 10 }), []);
      assert.deepEqual(await outbox.claim(gone, lease("kit", 1)), []);
      assert.deepEqual((await outbox.claim(kept, lease("kit", 2))).map((c) => c.event.id).sort(), [a.id, b.id].sort());
    },
  ],
  [
    "outbox",
    "stored events are copies: changing an appended, read or claimed event changes nothing stored",
    async (store, ctx) => {
      const outbox = outboxOf(store);
      const sink = sinkName();
      const appended = { ...event("u1"), data: { changed: ["title"], resource: { title: "CTO" } } };
      await outbox.append(ctx, [appended], [sink]);
      appended.data.changed.push("appended");
      const [read] = await outbox.read(ctx, 0, 1);
      (read!.data.changed as string[]).push("read");
      const [claimed] = await outbox.claim(sink, lease("kit", 0));
      (claimed!.event.data.resource as { title: string }).title = "claimed";
      const [again] = await outbox.read(ctx, 0, 1);
      assert.deepEqual(again!.data, { changed: ["title"], resource: { title: "CTO" } });
    },
  ],
];
