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
const names = Object.keys(require(path.join(dist, "cjs", "index.js"))).filter((n) => n !== "__esModule");
fs.writeFileSync(
  path.join(esm, "index.mjs"),
  `import cjs from "../cjs/index.js";\nexport const { ${names.join(", ")} } = cjs;\nexport default cjs;\n`,
);
fs.writeFileSync(path.join(esm, "index.d.mts"), `export * from "../cjs/index.js";\n`);
fs.writeFileSync(path.join(dist, "BUILD_STAMP"), new Date().toISOString() + "\n");
