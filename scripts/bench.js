#!/usr/bin/env node
// `npm run bench`: builds, runs every benchmark in bench/, prints a table of numbers and ratios,
// and writes it with the machine's description to docs/benchmarks.md.
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.join(__dirname, "..");
execFileSync(process.execPath, [path.join(__dirname, "build.js")], { stdio: "inherit" });

const suites = [
  ["filter parsing", "filter-parse"],
  ["HTTP filter throughput", "http-filter"],
  ["group PATCH by deltas", "group-patch"],
  ["SQL stores: userName lookup", "sql-lookup"],
  ["SQL stores: big groups", "sql-groups"],
  ["SQL stores: case folding", "sql-fold"],
  ["load: Okta mix at 25 requests/s", "load"],
  ["memory store: heap per user and membership", "memory"],
  ["memory store: group lists over large groups", "group-lists"],
  ["work budget: the slowest filter it admits", "budget"],
];
const only = process.argv.slice(2);

function format(v) {
  if (typeof v !== "number") return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);
}

(async () => {
  const lines = ["| benchmark | median / mean | unit | spread | ratio | target |", "| --- | ---: | --- | --- | ---: | --- |"];
  for (const [title, file] of suites) {
    if (only.length && !only.includes(file)) continue;
    process.stdout.write(`\n== ${title}\n`);
    const rows = await require(path.join(root, "bench", file))();
    for (const r of rows) {
      const line = `| ${r.name} | ${format(r.value)} | ${r.unit} | ${r.spread ?? ""} | ${r.ratio === undefined ? "" : format(r.ratio)} | ${r.target ?? ""} |`;
      process.stdout.write(`${r.name}: ${format(r.value)} ${r.unit}${r.ratio === undefined ? "" : `, ratio ${format(r.ratio)}`}${r.target ? ` (target ${r.target})` : ""}\n`);
      lines.push(line);
    }
  }
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const doc = [
    "# Benchmarks",
    "",
    "Written by `npm run bench`; rerun it to reproduce. HTTP benchmarks run over loopback against",
    "a real listening Express server; ratios compare numbers measured in the same run.",
    "",
    `Machine: ${machine}. Run: ${new Date().toISOString()}.`,
    "",
    ...lines,
    "",
  ].join("\n");
  if (!only.length) fs.writeFileSync(path.join(root, "docs", "benchmarks.md"), doc);
  process.stdout.write(`\n${lines.join("\n")}\n`);
  process.exit(0);
})().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
