// Issue 9: the example app (examples/basic, default rate limit ON: 300 requests per 10 s per
// tenant) holds 25 requests/s for one tenant with a realistic Okta mix, for 60 s by default
// (BENCH_LOAD_SECONDS to shorten, BENCH_LOAD_RATE to change the rate). Open loop: request i
// leaves at t0 + i/rate whether or not earlier ones have answered, as Okta's workers do, so a
// slow server shows up as latency, not as a politely lower rate.

const path = require("node:path");
const { memoryStore } = require("../dist/cjs");
const { createApp } = require(path.join(__dirname, "..", "examples", "basic", "server.js"));

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS || 60);
const RATE = Number(process.env.BENCH_LOAD_RATE || 25);
const TOKEN = "bench-load-token-0123456789abcdef";
const USERS = 2000;
const GROUPS = 20;
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

const oktaUser = (userName) => ({
  schemas: [USER_SCHEMA],
  userName,
  name: { givenName: "Load", familyName: "Test" },
  emails: [{ primary: true, value: userName, type: "work" }],
  displayName: "Load Test",
  locale: "en-US",
  externalId: `00u${userName}`,
  groups: [],
  password: "tempP@ss123",
  active: true,
});

/** Okta's traffic, weighted: lookups and reads dominate, then profile pushes and group pushes. */
const MIX = [
  ["list with filter userName eq", 30],
  ["GET user by id", 20],
  ["POST user", 10],
  ["PUT user", 10],
  ["PATCH deactivate/reactivate", 15],
  ["PATCH group membership", 15],
];

function listen(app) {
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server));
  });
}

async function seed(store) {
  const ctx = { tenant: "default" };
  const ids = [];
  for (let i = 0; i < USERS; i++) {
    const { schemas: _s, groups: _g, password: _p, ...record } = oktaUser(`seed${i}@example.com`);
    ids.push((await store.users.create(ctx, record)).id);
  }
  const groups = [];
  for (let g = 0; g < GROUPS; g++) {
    const members = ids.slice(g * 50, g * 50 + 50).map((value) => ({ value, type: "User" }));
    groups.push({
      id: (await store.groups.create(ctx, { displayName: `Group ${g}` }, { members })).id,
      name: `Group ${g}`,
    });
  }
  return { ids, groups };
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
}

module.exports = async function load() {
  const store = memoryStore();
  // The example app as users run it, rate limit and all; the store is seeded before it serves.
  const app = createApp({ token: TOKEN, store });
  const { ids, groups } = await seed(store);
  const server = await listen(app);
  const base = `http://127.0.0.1:${server.address().port}/scim/v2`;
  const headers = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/scim+json; charset=utf-8" };

  let created = 0;
  let seedState = 12345;
  const rand = (n) => {
    seedState = (seedState * 1103515245 + 12345) % 2 ** 31;
    return seedState % n;
  };
  const pick = () => {
    let r = rand(100);
    for (const [name, weight] of MIX) {
      r -= weight;
      if (r < 0) return name;
    }
    return MIX[0][0];
  };

  async function one(kind) {
    const id = ids[rand(ids.length)];
    switch (kind) {
      case "list with filter userName eq": {
        const filter = encodeURIComponent(`userName eq "seed${rand(USERS)}@example.com"`);
        return fetch(`${base}/Users?filter=${filter}&startIndex=1&count=100`, { headers });
      }
      case "GET user by id":
        return fetch(`${base}/Users/${id}`, { headers });
      case "POST user":
        return fetch(`${base}/Users`, {
          method: "POST",
          headers,
          body: JSON.stringify(oktaUser(`load${process.pid}-${created++}@example.com`)),
        });
      case "PUT user": {
        // Okta's profile push: the whole user back, with id, meta, groups and a password.
        const body = {
          ...oktaUser(`seed${ids.indexOf(id)}@example.com`),
          id,
          meta: { created: "04-12-2018 00:00:00" },
          title: `t${rand(1000)}`,
        };
        return fetch(`${base}/Users/${id}`, { method: "PUT", headers, body: JSON.stringify(body) });
      }
      case "PATCH deactivate/reactivate":
        return fetch(`${base}/Users/${id}`, {
          method: "PATCH",
          headers,
          body: JSON.stringify({
            schemas: [PATCH_OP],
            Operations: [{ op: "replace", value: { active: rand(2) === 0 } }],
          }),
        });
      case "PATCH group membership": {
        const g = groups[rand(groups.length)];
        const gone = ids[rand(ids.length)];
        return fetch(`${base}/Groups/${g.id}`, {
          method: "PATCH",
          headers,
          body: JSON.stringify({
            schemas: [PATCH_OP],
            Operations: [
              { op: "replace", value: { id: g.id, displayName: g.name } },
              { op: "remove", path: `members[value eq "${gone}"]` },
              { op: "add", path: "members", value: [{ value: id, display: "x" }] },
            ],
          }),
        });
      }
    }
    throw new Error(`unknown kind ${kind}`);
  }

  const total = Math.round(SECONDS * RATE);
  const latencies = [];
  const statuses = {};
  const failures = [];
  let errors = 0;
  const t0 = performance.now();
  const inflight = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const kind = pick();
    const started = performance.now();
    inflight.push(
      one(kind)
        .then(async (res) => {
          const text = await res.text();
          latencies.push(performance.now() - started);
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status >= 300 && failures.length < 5) failures.push(`${kind}: ${res.status} ${text.slice(0, 160)}`);
        })
        .catch((error) => {
          errors++;
          if (failures.length < 5) failures.push(`${kind}: ${error.message}`);
        }),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  server.close();

  const sorted = latencies.sort((a, b) => a - b);
  const non2xx = Object.entries(statuses).reduce((n, [s, c]) => (Number(s) >= 300 ? n + c : n), 0);
  if (failures.length) process.stderr.write(`load: first failures:\n  ${failures.join("\n  ")}\n`);
  const label = `Okta mix, ${RATE}/s for ${SECONDS} s, example app, rate limit on`;
  return [
    {
      name: `${label}: achieved rate`,
      value: latencies.length / elapsed,
      unit: "req/s",
      spread: `${latencies.length} answered in ${elapsed.toFixed(1)} s`,
      target: `>= ${RATE}`,
    },
    {
      name: `${label}: latency p50`,
      value: percentile(sorted, 0.5),
      unit: "ms",
      spread: `p90 ${percentile(sorted, 0.9).toFixed(2)}, max ${sorted.at(-1)?.toFixed(2)}`,
    },
    { name: `${label}: latency p99`, value: percentile(sorted, 0.99), unit: "ms", target: "< 1000" },
    {
      name: `${label}: non-2xx answers`,
      value: non2xx,
      unit: "responses",
      spread: JSON.stringify(statuses),
      target: "0",
    },
    { name: `${label}: transport errors`, value: errors, unit: "requests", target: "0" },
  ];
};

if (require.main === module) {
  module.exports().then(
    (rows) => {
      for (const r of rows)
        process.stdout.write(
          `${r.name}: ${typeof r.value === "number" ? r.value.toFixed(2) : r.value} ${r.unit}${r.spread ? ` (${r.spread})` : ""}\n`,
        );
    },
    (error) => {
      process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}
