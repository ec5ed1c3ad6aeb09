#!/usr/bin/env node
// Builds dist/cjs with tsc, then a thin ESM entry that re-exports the CommonJS build, so
// `import` and `require` share one module instance (no dual-package hazard).
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const dist = path.join(root, "dist");
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json")], {
  stdio: "inherit",
});

const esm = path.join(dist, "esm");
fs.mkdirSync(esm, { recursive: true });
for (const [entry, cjsPath] of [
  ["index", "../cjs/index.js"],
  ["testing", "../cjs/testing/index.js"],
  // Separate entries so that pg / better-sqlite3 load only for the apps that use them.
  ["postgres", "../cjs/stores/postgres/index.js"],
  ["sqlite", "../cjs/stores/sqlite/index.js"],
]) {
  const names = Object.keys(require(path.join(esm, cjsPath))).filter((n) => n !== "__esModule");
  fs.writeFileSync(
    path.join(esm, `${entry}.mjs`),
    `import cjs from "${cjsPath}";\nexport const { ${names.join(", ")} } = cjs;\nexport default cjs;\n`,
  );
  fs.writeFileSync(path.join(esm, `${entry}.d.mts`), `export * from "${cjsPath}";\n`);
}
fs.writeFileSync(path.join(dist, "BUILD_STAMP"), new Date().toISOString() + "\n");
