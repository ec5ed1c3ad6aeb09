#!/usr/bin/env node
// `npm run check`, and the static checks phase of `npm test`: every check that reads the code
// instead of running it. Each one is an npm script in package.json (so each can be run alone),
// and each runs even when one before it failed. Nothing is skipped: a tool that is missing fails
// its check. Needs dist/ (the package check packs it): `npm test` runs this right after its build.
//
// With STATIC_CHECKS_REPORT set, writes `{ passed: [...], failed: [...] }` there for scripts/test.js.

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");

/** The npm script of each check, and what it guards. */
const checks = [
  { script: "lint", what: "format and lint (Biome)" },
  { script: "lint:layers", what: "imports point down the layers; the picture in docs/concepts.md is current" },
  { script: "lint:unused", what: "no unused files, exports or dependencies (knip)" },
  { script: "docs:check", what: "every public symbol is documented (typedoc)" },
  { script: "lint:package", what: "the packed package (publint, attw)" },
];

const npm = process.env.npm_execpath;
const passed = [];
const failed = [];
for (const check of checks) {
  process.stdout.write(`\n-- ${check.script}: ${check.what}\n`);
  const run = spawnSync(npm ? process.execPath : "npm", [...(npm ? [npm] : []), "run", "-s", check.script], {
    cwd: root,
    stdio: "inherit",
  });
  (run.status === 0 ? passed : failed).push(check.script);
}

process.stdout.write(
  `\nStatic checks: ${passed.length} passed, ${failed.length} failed${failed.length ? ` (${failed.join(", ")})` : ""}.\n`,
);
if (process.env.STATIC_CHECKS_REPORT)
  fs.writeFileSync(process.env.STATIC_CHECKS_REPORT, JSON.stringify({ passed, failed }));
process.exit(failed.length ? 1 : 0);
