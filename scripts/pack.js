#!/usr/bin/env node
// Packs the built package into .tmp/pack/package.tgz, for publint and attw (`npm run lint:package`)
// to check what users would install. It packs dist/ as it is (no prepack build): run it after
// `npm run build`, as `npm test` does.

const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const out = path.join(root, ".tmp", "pack");
if (!fs.existsSync(path.join(root, "dist", "cjs", "index.js"))) {
  process.stderr.write("dist/ is missing: run `npm run build` first.\n");
  process.exit(1);
}
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const npm = process.env.npm_execpath;
const [packed] = JSON.parse(
  execFileSync(
    npm ? process.execPath : "npm",
    [...(npm ? [npm] : []), "pack", "--ignore-scripts", "--json", "--pack-destination", out],
    { cwd: root, encoding: "utf8" },
  ),
);
fs.renameSync(path.join(out, packed.filename), path.join(out, "package.tgz"));
process.stdout.write(`Packed ${packed.entryCount} files into .tmp/pack/package.tgz.\n`);
