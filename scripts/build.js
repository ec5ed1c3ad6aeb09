#!/usr/bin/env node
// Builds dist/cjs with tsc, then a thin ESM entry that re-exports the CommonJS build, so
// `import` and `require` share one module instance (no dual-package hazard). No source maps: tsc
// output for ES2022 is the source minus its types, and a map would point at lib/, which does
// not ship.

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
  ["store-helpers", "../cjs/store-helpers.js"],
  // Separate entries so that pg / better-sqlite3 load only for the apps that use them.
  ["postgres", "../cjs/stores/postgres/index.js"],
  ["sqlite", "../cjs/stores/sqlite/index.js"],
  ["console", "../cjs/console/index.js"],
]) {
  const cjs = require(path.join(esm, cjsPath));
  const names = Object.keys(cjs).filter((n) => n !== "__esModule" && n !== "default");
  // A default export exists only where the CommonJS build has one (`import scim from
  // "express-scim"`), and it is the same value there as here, so the default import works, and
  // type-checks, in both builds or in neither. (Node's own default for a CommonJS module would be
  // the whole exports object, which the types could not describe.)
  const defaultName = "default" in cjs ? names.find((n) => cjs[n] === cjs.default) : undefined;
  if ("default" in cjs && !defaultName) throw new Error(`${cjsPath}: the default export must also be a named export`);
  const mjs = [`import cjs from "${cjsPath}";`, `export const { ${names.join(", ")} } = cjs;`];
  const dmts = [`export * from "${cjsPath}";`];
  if (defaultName) {
    mjs.push(`export default cjs.${defaultName};`);
    dmts.push(`import { ${defaultName} } from "${cjsPath}";`, `export default ${defaultName};`);
  }
  fs.writeFileSync(path.join(esm, `${entry}.mjs`), `${mjs.join("\n")}\n`);
  fs.writeFileSync(path.join(esm, `${entry}.d.mts`), `${dmts.join("\n")}\n`);
}
fs.writeFileSync(path.join(dist, "BUILD_STAMP"), `${new Date().toISOString()}\n`);
