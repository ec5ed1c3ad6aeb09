#!/usr/bin/env node
// `npm run bench`: builds, runs every benchmark in bench/ (or those named: `npm run bench -- load
// memory`), and prints each one as it starts and ends, then a table of numbers and ratios.
// `npm run bench -- --full` runs the sizes the issues measured where a benchmark has a smaller default.
// `npm run bench -- --write` also writes the table, with the machine's description, to
// docs/benchmarks.md (keeping the file's own "## " sections below it); without it the tracked
// file is left alone.

const { execFileSync, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.join(__dirname, "..");

// One line per benchmark: [title, file in bench/].
const suites = [
  ["filter parsing", "filter-parse"],
  ["HTTP filter throughput", "http-filter"],
  ["group PATCH by deltas", "group-patch"],
  ["SQL stores: userName lookup", "sql-lookup"],
  ["SQL stores: big groups", "sql-groups"],
  ["SQL stores: case folding", "sql-fold"],
  ["statements per request, and userName eq against a bare route", "round-trips"],
  ["SQL stores: index-backed reads", "sql-reads"],
  ["load: Okta mix at 25 requests/s", "load"],
  ["memory store: heap per user and membership", "memory"],
  ["memory store: group lists over large groups", "group-lists"],
  ["GET /Groups/{id} of 200,000 members, every store", "group-read"],
  ["work budget: the slowest filter it admits", "budget"],
  ["cursor pagination: page 1 against page 9,000", "cursors"],
  ["request log: cost on a GET by id", "request-log"],
  ["webhooks: delivery throughput to a local receiver", "webhooks"],
  ["outbox: write latency and delivery throughput", "outbox"],
];

const argv = process.argv.slice(2);
const write = argv.includes("--write");
// --full: the directory sizes of the issues (sql-reads: 1,000,000 users) instead of the quicker defaults.
if (argv.includes("--full")) process.env.BENCH_READS_FULL = "1";
const only = argv.filter((a) => a !== "--write" && a !== "--full");
const known = suites.map(([, file]) => file);
const unknown = only.filter((name) => !known.includes(name));
if (unknown.length) fail(`unknown benchmark ${unknown.join(", ")}; the benchmarks are: ${known.join(", ")}.`);
// A partial table would drop the other rows from the tracked file.
if (write && only.length) fail("--write records the full run only; drop the benchmark names, or drop --write.");

function fail(message) {
  process.stderr.write(`npm run bench: ${message}\n`);
  process.exit(2);
}

function format(v) {
  if (typeof v !== "number") return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);
}

const clock = () => new Date().toISOString().slice(11, 19);

/**
 * Runs bench/<file>.js in a process of its own and answers its rows: one benchmark's heap, JIT
 * state and leftover timers never weigh on the next (in one shared process, the HTTP filter
 * ratio read 0.42 right after the filter-parsing benchmark, and 0.62-0.64 alone).
 */
function runSuite(file) {
  const out = path.join(os.tmpdir(), `express-scim-bench-${process.pid}-${file}.json`);
  const code = `require(${JSON.stringify(path.join(root, "bench", file))})().then(
    (rows) => { require("node:fs").writeFileSync(${JSON.stringify(out)}, JSON.stringify(rows)); process.exit(0); },
    (error) => { process.stderr.write(String((error && error.stack) || error) + "\\n"); process.exit(1); },
  );`;
  const result = spawnSync(process.execPath, [...process.execArgv, "-e", code], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`bench/${file}.js failed (exit ${result.status ?? result.signal})`);
  const rows = JSON.parse(fs.readFileSync(out, "utf8"));
  fs.rmSync(out);
  return rows;
}
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

(async () => {
  process.stdout.write("Building dist/ ...\n");
  execFileSync(process.execPath, [path.join(__dirname, "build.js")], { stdio: "inherit" });
  const chosen = suites.filter(([, file]) => !only.length || only.includes(file));
  const lines = [
    "| benchmark | median / mean | unit | spread | ratio | target |",
    "| --- | ---: | --- | --- | ---: | --- |",
  ];
  const runStarted = Date.now();
  for (const [i, [title, file]] of chosen.entries()) {
    process.stdout.write(`\n== [${i + 1}/${chosen.length}] ${title} (bench/${file}.js): started ${clock()}\n`);
    const started = Date.now();
    const rows = runSuite(file);
    for (const r of rows) {
      const line = `| ${r.name} | ${format(r.value)} | ${r.unit} | ${r.spread ?? ""} | ${r.ratio === undefined ? "" : format(r.ratio)} | ${r.target ?? ""} |`;
      process.stdout.write(
        `${r.name}: ${format(r.value)} ${r.unit}${r.ratio === undefined ? "" : `, ratio ${format(r.ratio)}`}${r.target ? ` (target ${r.target})` : ""}\n`,
      );
      lines.push(line);
    }
    process.stdout.write(`== ${title}: done in ${seconds(Date.now() - started)}\n`);
  }
  process.stdout.write(
    `\n${lines.join("\n")}\n\nAll ${chosen.length} benchmark(s) in ${seconds(Date.now() - runStarted)}.\n`,
  );
  if (write) {
    // The tracked file's own sections (what each target's figures mean, idle reruns) follow the
    // table under "## " headings: they are kept, only the header and the table are replaced.
    const file = path.join(root, "docs", "benchmarks.md");
    const previous = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const sections = previous.search(/^## /m);
    const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
    const doc = [
      "# Benchmarks",
      "",
      "Written by `npm run bench -- --write`; rerun it to reproduce. HTTP benchmarks run over loopback against",
      "a real listening Express server; ratios compare numbers measured in the same run.",
      "",
      `Machine: ${machine}. Run: ${new Date().toISOString()}.`,
      "",
      ...lines,
      "",
      ...(sections >= 0 ? [previous.slice(sections).trimEnd(), ""] : []),
    ].join("\n");
    fs.writeFileSync(file, doc);
    process.stdout.write("Wrote docs/benchmarks.md.\n");
  } else {
    process.stdout.write("docs/benchmarks.md was not changed; `npm run bench -- --write` records a full run there.\n");
  }
  process.exit(0);
})().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
