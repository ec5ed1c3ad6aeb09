#!/usr/bin/env node
// `npm start`: build the library if the build is missing or older than its sources, then run
// the basic example (which loads the package by its own name, as a user's app would).

const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

const stamp = path.join(root, "dist", "BUILD_STAMP");
if (!fs.existsSync(stamp) || fs.statSync(stamp).mtimeMs < newest(path.join(root, "lib"))) {
  process.stdout.write("Building express-scim...\n");
  execFileSync(process.execPath, [path.join(__dirname, "build.js")], { stdio: "inherit" });
}
require(path.join(root, "examples", "basic", "server.js"))
  .main()
  .catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
