// Shared helpers for the benchmarks: a listening host app, timing, and statistics.
const { execFileSync } = require("node:child_process");

const express = require("express");
const { scim, memoryStore, ALL_SCOPES } = require("../dist/cjs");

const TOKEN = "bench-token-0123456789abcdef";
const HEADERS = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/scim+json" };

async function listen(app) {
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () =>
      resolve({ server, base: `http://127.0.0.1:${server.address().port}` }),
    );
  });
}

/** A host app with the router at /scim/v2 and a hello-world JSON route as the reference. */
async function startHost(store = memoryStore(), more = {}) {
  const app = express();
  app.get("/hello", (_req, res) => res.json({ hello: "world" }));
  app.use(
    "/scim/v2",
    scim({
      store,
      tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }],
      limits: { maxMembersPerRequest: 200_000, bodyBytes: 64 * 1024 * 1024 },
      rateLimit: false,
      ...more,
    }),
  );
  const { server, base } = await listen(app);
  return { store, server, base: `${base}`, scim: `${base}/scim/v2` };
}

async function call(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: HEADERS,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${url} -> ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { median: q(0.5), p10: q(0.1), p90: q(0.9), n: sorted.length };
}

async function timeIt(runs, fn) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return stats(samples);
}

/**
 * A benchmark whose rows need `global.gc` (heap figures): `run` as is when this process has it,
 * else in a child started with --expose-gc, whose last output line is its rows. `module` runs it
 * alone too (`node bench/x.js`), printing the rows, which is how the child answers.
 */
function withGc(module, run) {
  const bench = async () => {
    if (typeof global.gc === "function") return run();
    const out = execFileSync(process.execPath, ["--expose-gc", module.filename, "--child"], {
      encoding: "utf8",
      env: process.env,
      maxBuffer: 1 << 20,
    });
    return JSON.parse(out.trim().split("\n").at(-1));
  };
  if (require.main === module) {
    bench().then(
      (rows) => process.stdout.write(`${JSON.stringify(rows)}\n`),
      (error) => {
        process.stderr.write(`${error.stack}\n`);
        process.exit(1);
      },
    );
  }
  return bench;
}

module.exports = { TOKEN, HEADERS, startHost, call, stats, timeIt, withGc };
