#!/usr/bin/env node
// `npm test`: build (the package tests load dist/ as users do), then every suite on Express 5,
// the HTTP suites again on Express 4, and the recorded Okta and Entra sequences again on the
// SQLite store and (with DATABASE_URL) the PostgreSQL store. Extra arguments go to every jest run.
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const root = path.join(__dirname, "..");
const jest = require.resolve("jest/bin/jest");
const args = process.argv.slice(2);

function run(label, command, argv, env = {}) {
  process.stdout.write(`\n== ${label}\n`);
  const result = spawnSync(process.execPath, [command, ...argv], { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) {
    process.stdout.write(`\n${label} failed.\n`);
    process.exit(result.status ?? 1);
  }
}

if (!process.env.DATABASE_URL) {
  process.stdout.write("\nDATABASE_URL is not set: the PostgreSQL store suites will be SKIPPED (CI sets it; see docs/stores.md).\n");
}
run("build", path.join(__dirname, "build.js"), []);
run("tests on Express 5", jest, ["-c", "jest.config.js", ...args]);
run("HTTP tests on Express 4", jest, ["-c", "jest.express4.config.js", ...args]);
run("client replays on the SQLite store", jest, ["-c", "jest.replay.config.js", ...args], { REPLAY_STORE: "sqlite" });
if (process.env.DATABASE_URL) {
  run("client replays on the PostgreSQL store", jest, ["-c", "jest.replay.config.js", ...args], { REPLAY_STORE: "postgres" });
} else {
  process.stdout.write("\n== client replays on the PostgreSQL store: SKIPPED (DATABASE_URL is not set)\n");
}
