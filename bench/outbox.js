// Issue 18: what the transactional outbox costs a write, and how fast events leave it.
// Write latency: one store, three routers on it: /plain with `delivery: false` (no event
// recorded), /recorded recording every write's events in its transaction (for the feed; the
// outbox's cost to the write itself, the target), and /outbox with an `events` listener that the
// delivery loop in this process calls after each write. Plain and recorded alternate request by
// request. The write is Okta's profile update, a PATCH of one attribute (read, write, events:
// one transaction).
// Throughput: events appended in bulk for a sink that POSTs each to a local receiver, then the
// time for the delivery loop to hand them all over.

const express = require("express");
const { scim, ALL_SCOPES } = require("../dist/cjs");
const { HEADERS, TOKEN } = require("./util");
const { postgresWithUsers, sqliteWithUsers } = require("./sql-util");

const USERS = Number(process.env.BENCH_OUTBOX_USERS || 1000);
const ROUNDS = Number(process.env.BENCH_OUTBOX_ROUNDS || 10);
const PER_ROUND = Number(process.env.BENCH_OUTBOX_RUNS || 100);
const EVENTS = Number(process.env.BENCH_OUTBOX_EVENTS || 2000);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const listen = (app) =>
  new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve({ server: s, base: `http://127.0.0.1:${s.address().port}` }));
  });

/**
 * Each variant has a store of its own, seeded alike: a database's shared costs (SQLite's WAL
 * checkpoints, which the commit that crosses the threshold pays) then fall on the writes that
 * caused them, not on whichever variant's write came next.
 */
async function writeLatency(stores) {
  let heard = 0;
  const app = express();
  const common = (loaded) => ({
    store: loaded.store,
    tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }],
    rateLimit: false,
  });
  app.use("/plain", scim({ ...common(stores.plain), delivery: false }));
  // Recorded for the feed, no sink: the outbox's cost to the write itself.
  app.use("/recorded", scim(common(stores.recorded)));
  const outbox = scim({ ...common(stores.outbox), events: { "user.updated": () => void heard++ } });
  app.use("/outbox", outbox);
  const { server, base } = await listen(app);
  const patch = (mount) => async (i) => {
    const ids = stores[mount].ids;
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
  const timed = async (mount, i) => {
    const t0 = process.hrtime.bigint();
    await patch(mount)(i);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  for (let i = 0; i < 300; i++) await patch(["plain", "recorded", "outbox"][i % 3])(i);
  await outbox.events.idle();
  // Plain and recorded alternate request by request, so drift and the machine's other work hit
  // both alike; the ratio is of their medians, and each round's own ratio gives the spread.
  const samples = { plain: [], recorded: [], outbox: [] };
  const roundRatios = [];
  let i = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const here = { plain: [], recorded: [] };
    for (let k = 0; k < 2 * PER_ROUND; k++, i++) {
      const mount = (k + round) % 2 ? "recorded" : "plain";
      here[mount].push(await timed(mount, i));
    }
    roundRatios.push(median(here.recorded) / median(here.plain));
    samples.plain.push(...here.plain);
    samples.recorded.push(...here.recorded);
  }
  // With a listener, deliveries run in this process after each write: rounds of it alternate
  // with plain rounds, each drained before the next, and the ratio is of those plain rounds.
  const beside = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const mount of round % 2 ? ["outbox", "plain"] : ["plain", "outbox"]) {
      for (let k = 0; k < PER_ROUND; k++, i++)
        (mount === "plain" ? beside : samples.outbox).push(await timed(mount, i));
      await outbox.events.idle();
    }
  }
  await outbox.events.stop();
  server.close();
  const sorted = [...roundRatios].sort((a, b) => a - b);
  return {
    plain: median(samples.plain),
    recorded: median(samples.recorded),
    outbox: median(samples.outbox),
    beside: median(beside),
    spread: `round ratios ${sorted[0].toFixed(2)}-${sorted.at(-1).toFixed(2)} over ${ROUNDS} rounds of ${PER_ROUND} each`,
    heard,
  };
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
  // The PostgreSQL target is on the store as docs/stores.md builds it (its own pool, statements
  // prepared once per connection); on a host's pool every statement is planned each time, and
  // the outbox's one-statement append is the costliest to plan: reported, without a target.
  for (const [label, setup, measured] of [
    ["sqlite", sqliteWithUsers, true],
    ["postgres", (n) => postgresWithUsers(n, { ownPool: true }), true],
    ["postgres on the host's pool", postgresWithUsers, false],
  ]) {
    const stores = { plain: await setup(USERS), recorded: await setup(USERS), outbox: await setup(USERS) };
    const m = await writeLatency(stores);
    rows.push({ name: `${label}: PATCH /Users/{id}, no outbox (delivery: false)`, value: m.plain, unit: "ms" });
    rows.push({
      name: `${label}: PATCH /Users/{id}, events recorded in the write's transaction (feed only)`,
      value: m.recorded,
      unit: "ms",
      ratio: m.recorded / m.plain,
      spread: m.spread,
      ...(measured ? { target: "< 1.15" } : {}),
    });
    rows.push({
      name: `${label}: PATCH /Users/{id}, recorded, and a listener delivered by this process`,
      value: m.outbox,
      unit: "ms",
      spread: `${m.heard} events delivered`,
      ratio: m.outbox / m.beside,
    });
    if (measured)
      rows.push({
        name: `${label}: delivery to a local HTTP receiver`,
        value: await throughput(stores.outbox.store),
        unit: "events/s",
        spread: `${EVENTS} events`,
      });
    for (const loaded of Object.values(stores)) await loaded.close();
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
