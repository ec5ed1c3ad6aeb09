#!/usr/bin/env node
// `npm run test:stress`: the bar for "npm test passes every time": the full `npm test`, with
// PostgreSQL, several runs in a row, while another process keeps a CPU busy. Reports 5/5, or
// which runs failed with their summaries; each run's whole output is kept in .tmp/stress/.
//
//   npm run test:stress                      # 5 runs, one CPU burner, DATABASE_URL or the local server
//   npm run test:stress -- --runs 1 --burners 2

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { parseArgs } = require("node:util");

const root = path.join(__dirname, "..");

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      runs: { type: "string", default: "5" },
      burners: { type: "string", default: "1" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  }));
} catch (error) {
  fail(error.message);
}
if (options.help) {
  process.stdout.write(
    "Usage: npm run test:stress -- [--runs N (default 5)] [--burners N (CPU-busy processes, default 1)]\n",
  );
  process.exit(0);
}
const runs = Number(options.runs);
const burners = Number(options.burners);
if (!Number.isInteger(runs) || runs < 1)
  fail(`--runs must be a positive integer, not ${JSON.stringify(options.runs)}.`);
if (!Number.isInteger(burners) || burners < 0)
  fail(`--burners must be a whole number, not ${JSON.stringify(options.burners)}.`);

function fail(message) {
  process.stderr.write(`test:stress: ${message}\n`);
  process.exit(2);
}

// As CI does (.ci/run): the local server unless DATABASE_URL names another.
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test" };
const logs = path.join(root, ".tmp", "stress");
const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;

async function databaseReachable() {
  const { Client } = require("pg");
  const client = new Client({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch (error) {
    process.stderr.write(
      `test:stress: PostgreSQL is not reachable at DATABASE_URL=${env.DATABASE_URL}: ${error.message}\n`,
    );
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A child process that keeps one CPU busy until it is killed. */
function burner() {
  return spawn(process.execPath, ["-e", "let x = 0; for (;;) x = Math.sqrt(x + Math.random());"], { stdio: "ignore" });
}

/** One `npm test`; its output goes to a log file; resolves with its exit code, summary and time. */
function npmTest(n) {
  const log = path.join(logs, `run-${n}.log`);
  const out = fs.openSync(log, "w");
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(__dirname, "test.js")], {
    cwd: root,
    env,
    stdio: ["ignore", out, out],
  });
  return new Promise((resolve) => {
    child.on("close", (code) => {
      fs.closeSync(out);
      const text = fs.readFileSync(log, "utf8");
      const at = text.lastIndexOf("== summary");
      const summary = at >= 0 ? text.slice(at).trim() : "(no summary: the runner stopped early; see the log)";
      const counts = /^(\d+) passed, (\d+) failed$/m.exec(summary.split("\n").at(-1) ?? "");
      resolve({
        n,
        ok: code === 0,
        code,
        ms: Date.now() - started,
        log: path.relative(root, log),
        summary,
        counts: counts ? counts[0] : "no count",
      });
    });
  });
}

(async () => {
  if (!(await databaseReachable())) process.exit(1);
  fs.mkdirSync(logs, { recursive: true });
  const load = Array.from({ length: burners }, burner);
  const stop = () => {
    for (const p of load) p.kill();
  };
  process.on("SIGINT", () => {
    stop();
    process.exit(130);
  });
  process.stdout.write(
    `npm test x ${runs} with PostgreSQL (${env.DATABASE_URL}) while ${burners} CPU burner(s) run; logs in ${path.relative(root, logs)}/\n`,
  );
  const results = [];
  try {
    for (let n = 1; n <= runs; n++) {
      process.stdout.write(`run ${n}/${runs}: started ${new Date().toISOString().slice(11, 19)}\n`);
      const r = await npmTest(n);
      results.push(r);
      process.stdout.write(
        `run ${n}/${runs}: ${r.ok ? "passed" : `FAILED (exit ${r.code})`}, ${r.counts}, ${seconds(r.ms)}\n`,
      );
    }
  } finally {
    stop();
  }
  const failed = results.filter((r) => !r.ok);
  for (const r of failed) process.stdout.write(`\n-- run ${r.n} failed (${r.log}):\n${r.summary}\n`);
  const slowest = Math.max(...results.map((r) => r.ms));
  process.stdout.write(
    `\n${runs - failed.length}/${runs} runs passed${failed.length ? `; failed: ${failed.map((r) => `run ${r.n}`).join(", ")}` : ""}. Slowest run ${seconds(slowest)}.\n`,
  );
  process.exit(failed.length ? 1 : 0);
})().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
