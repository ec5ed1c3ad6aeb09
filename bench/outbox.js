// Issue 18: what the transactional outbox costs a write, and how fast events leave it.
// Write latency: one store, two routers on it: /plain with `delivery: false` (no event recorded;
// listeners, if any, called after the write) and /outbox recording every write's events in its
// transaction, with an `events` listener delivered from the outbox by the loop in this process.
// Rounds alternate the two, so drift hits both alike. The write is Okta's profile update, a PATCH
// of one attribute (read, write, event: one transaction).
// Throughput: events appended in bulk for a sink that POSTs each to a local receiver, then the
// time for the delivery loop to hand them all over.

const express = require("express");
const { scim, ALL_SCOPES } = require("../dist/cjs");
const { HEADERS, TOKEN } = require("./util");
const { postgresWithUsers, sqliteWithUsers, timeEach } = require("./sql-util");

const USERS = Number(process.env.BENCH_OUTBOX_USERS || 1000);
const ROUNDS = Number(process.env.BENCH_OUTBOX_ROUNDS || 6);
const PER_ROUND = Number(process.env.BENCH_OUTBOX_RUNS || 100);
const EVENTS = Number(process.env.BENCH_OUTBOX_EVENTS || 2000);

const listen = (app) =>
  new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve({ server: s, base: `http://127.0.0.1:${s.address().port}` }));
  });

async function writeLatency(store, ids) {
  let heard = 0;
  const app = express();
  const common = { store, tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }], rateLimit: false };
  app.use("/plain", scim({ ...common, delivery: false }));
  // Recorded for the feed, no sink: the outbox's cost to the write itself.
  app.use("/recorded", scim(common));
  const outbox = scim({ ...common, events: { "user.updated": () => void heard++ } });
  app.use("/outbox", outbox);
  const { server, base } = await listen(app);
  const patch = (mount) => async (i) => {
    const id = ids[(i * 7919) % ids.length];
    const res = await fetch(`${base}/${mount}/Users/${id}`, {
      method: "PATCH",
      headers: HEADERS,
      body: JSON.stringify({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: [{ op: "replace", path: "title", value: `${mount} ${i} ${Math.random()}` }],
      }),
    });
    await res.text();
    if (res.status !== 200) throw new Error(`PATCH ${mount} -> ${res.status}`);
  };
  for (let i = 0; i < 60; i++) await patch(["plain", "recorded", "outbox"][i % 3])(i);
  const medians = { plain: [], recorded: [], outbox: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mount of round % 2 ? ["outbox", "recorded", "plain"] : ["plain", "recorded", "outbox"])
      medians[mount].push((await timeEach(PER_ROUND, patch(mount))).median);
  }
  await outbox.events.idle();
  await outbox.events.stop();
  server.close();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { plain: median(medians.plain), recorded: median(medians.recorded), outbox: median(medians.outbox), heard };
}

async function throughput(store) {
  let received = 0;
  const receiver = express();
  receiver.post("/hook", express.json(), (_req, res) => {
    received++;
    res.status(204).end();
  });
  const { server, base } = await listen(receiver);
  const sink = {
    name: "bench-receiver",
    deliver: async (event, signal) => {
      const res = await fetch(`${base}/hook`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "webhook-id": event.id },
        body: JSON.stringify(event),
        signal,
      });
      await res.arrayBuffer();
      return res.status >= 200 && res.status < 300 ? { ok: true } : { ok: false, error: `HTTP ${res.status}` };
    },
  };
  // Distinct resources, so the loop may hand out a whole batch at once (a resource's events go one by one).
  const events = Array.from({ length: EVENTS }, (_, i) => ({
    id: require("node:crypto").randomUUID(),
    type: "user.updated",
    tenant: "default",
    resourceType: "User",
    resourceId: `bench-${i}`,
    actor: "bench",
    time: new Date().toISOString(),
    data: { changed: ["title"] },
  }));
  for (let i = 0; i < events.length; i += 500)
    await store.outbox.append({ tenant: "default" }, events.slice(i, i + 500), [sink.name]);
  const t0 = process.hrtime.bigint();
  const router = scim({ store, tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }], delivery: { sinks: [sink] } });
  await router.events.idle();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await router.events.stop();
  server.close();
  if (received < EVENTS) throw new Error(`throughput: ${received} of ${EVENTS} events arrived`);
  return EVENTS / seconds;
}

module.exports = async function outboxBench() {
  const rows = [];
  for (const [label, setup] of [
    ["sqlite", sqliteWithUsers],
    ["postgres", postgresWithUsers],
  ]) {
    const loaded = await setup(USERS);
    const m = await writeLatency(loaded.store, loaded.ids);
    rows.push({ name: `${label}: PATCH /Users/{id}, no outbox (delivery: false)`, value: m.plain, unit: "ms" });
    rows.push({
      name: `${label}: PATCH /Users/{id}, events recorded in the write's transaction (feed only)`,
      value: m.recorded,
      unit: "ms",
      ratio: m.recorded / m.plain,
      target: "< 1.15",
    });
    rows.push({
      name: `${label}: PATCH /Users/{id}, recorded, and a listener delivered by this process`,
      value: m.outbox,
      unit: "ms",
      spread: `${m.heard} events delivered`,
      ratio: m.outbox / m.plain,
    });
    rows.push({
      name: `${label}: delivery to a local HTTP receiver`,
      value: await throughput(loaded.store),
      unit: "events/s",
      spread: `${EVENTS} events`,
    });
    await loaded.close();
  }
  return rows;
};

if (require.main === module) {
  module.exports().then(
    (rows) => {
      for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
      process.exit(0);
    },
    (error) => {
      process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}
