// Issue 18: delivery throughput, in events per second, from a sink to a local receiver over
// loopback http. One resource's events go one at a time (in order); many resources' events go in
// parallel. The receiver answers 204 at once, so this is the sender's cost: signing, the POST,
// reading the answer, on kept-alive connections.

const http = require("node:http");
const { generateKeyPairSync, randomBytes } = require("node:crypto");
const { Webhook } = require("standardwebhooks");
const { webhookSink, securityEventSink } = require("../dist/cjs");

const EVENTS = 3000;
const never = new AbortController().signal;

const envelope = (i) => ({
  id: `evt_${i}`,
  type: "user.updated",
  tenant: "bench",
  seq: i,
  resourceType: "User",
  resourceId: `user-${i % 100}`,
  actor: "okta",
  time: new Date(0).toISOString(),
  data: { changed: ["name.familyName"], patch: [{ op: "replace", path: "/name/familyName", value: "Lovelace" }] },
});

async function receiver() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/hooks` };
}

/** Events per second delivering EVENTS events with `lanes` deliveries in flight. */
async function throughput(sink, lanes) {
  let next = 0;
  const lane = async () => {
    while (next < EVENTS) {
      const outcome = await sink.deliver(envelope(next++), never);
      if (!outcome.ok) throw new Error(`delivery failed: ${outcome.error}`);
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: lanes }, lane));
  return EVENTS / (Number(process.hrtime.bigint() - t0) / 1e9);
}

module.exports = async function webhooks() {
  const { server, url } = await receiver();
  try {
    const secret = `whsec_${randomBytes(32).toString("base64")}`;
    const standard = webhookSink({ url, secret, allowInsecureLoopback: true });
    const set = securityEventSink({
      url,
      allowInsecureLoopback: true,
      issuer: "https://bench.example.com",
      audience: "https://receiver.example.com",
      key: generateKeyPairSync("ed25519").privateKey,
    });
    // What the sink signs verifies: a benchmark of a broken signature would measure nothing.
    await proveSigned(secret);
    await throughput(standard, 4); // warm up
    const rows = [];
    for (const [name, sink, lanes] of [
      ["Standard Webhooks, one resource (in order)", standard, 1],
      ["Standard Webhooks, 8 resources in parallel", standard, 8],
      ["Security Event Tokens (EdDSA), one resource", set, 1],
      ["Security Event Tokens (EdDSA), 8 in parallel", set, 8],
    ]) {
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await throughput(sink, lanes));
      runs.sort((a, b) => a - b);
      rows.push({
        name: `webhooks: ${name}`,
        value: runs[1],
        unit: "events/s",
        spread: `${runs[0].toFixed(0)} .. ${runs[2].toFixed(0)} (${EVENTS} events x 3)`,
      });
    }
    return rows;
  } finally {
    server.closeAllConnections();
    server.close();
  }
};

async function proveSigned(secret) {
  let seen;
  const check = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      seen = new Webhook(secret).verify(Buffer.concat(chunks).toString(), req.headers);
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => check.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${check.address().port}/hooks`;
  await webhookSink({ url, secret, allowInsecureLoopback: true }).deliver(envelope(0), never);
  check.closeAllConnections();
  check.close();
  if (seen?.id !== "evt_0") throw new Error("the signed delivery did not verify");
}

if (require.main === module) module.exports().then((rows) => console.table(rows));
