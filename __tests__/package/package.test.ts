/**
 * The package as users load it: packed with `npm pack`, unpacked into a scratch node_modules,
 * then required from CommonJS, imported from ESM, and type-checked from TypeScript.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.join(__dirname, "..", "..");
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "express-scim-pack-"));
  const tgz = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: root, encoding: "utf8" }).trim().split("\n").pop()!;
  const target = path.join(dir, "node_modules", "express-scim");
  fs.mkdirSync(target, { recursive: true });
  execFileSync("tar", ["-xzf", path.join(dir, tgz), "-C", target, "--strip-components=1"]);
  // The peer dependency, as the host app would have it.
  for (const dep of ["express", "debug", "ms", "@types"]) {
    fs.symlinkSync(path.join(root, "node_modules", dep), path.join(dir, "node_modules", dep));
  }
}, 60000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: dir, encoding: "utf8" });

test("the tarball holds the build, not the sources or tests", () => {
  const files = execFileSync("tar", ["-tzf", fs.readdirSync(dir).map((f) => path.join(dir, f)).find((f) => f.endsWith(".tgz"))!], { encoding: "utf8" });
  expect(files).toContain("package/dist/cjs/index.js");
  expect(files).toContain("package/dist/esm/index.mjs");
  expect(files).not.toMatch(/package\/(lib|__tests__)\//);
});

test("require() from CommonJS", () => {
  const out = node(["-e", 'const m = require("express-scim"); console.log(typeof m.scim, typeof m.memoryStore, typeof m.ScimError)']);
  expect(out.trim()).toBe("function function function");
});

test("import from ESM shares the CommonJS instance", () => {
  const code = 'import { scim, ScimError } from "express-scim"; import { createRequire } from "node:module"; const r = createRequire(import.meta.url); console.log(typeof scim, ScimError === r("express-scim").ScimError)';
  expect(node(["--input-type=module", "-e", code]).trim()).toBe("function true");
});

test("express-scim/testing is importable", () => {
  expect(node(["-e", 'console.log(typeof require("express-scim/testing").storeConformance)']).trim()).toBe("function");
});

test("types ship and check from a TypeScript consumer (node16 resolution, CJS and ESM)", () => {
  const source = [
    'import express from "express";',
    'import { scim, memoryStore, type ScimOptions } from "express-scim";',
    'import { storeConformance } from "express-scim/testing";',
    'const options: ScimOptions = { store: memoryStore(), tokens: [{ token: "x".repeat(20), scopes: ["get:users"] }] };',
    'express().use("/scim/v2", scim(options));',
    "void storeConformance;",
    "// @ts-expect-error tokens and auth together are rejected by the compiler",
    'const bad: ScimOptions = { store: memoryStore(), tokens: [], auth: () => null };',
    "void bad;",
  ].join("\n");
  fs.writeFileSync(path.join(dir, "consumer.cts"), source);
  fs.writeFileSync(path.join(dir, "consumer.mts"), source);
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  const flags = ["--noEmit", "--strict", "--module", "node16", "--moduleResolution", "node16", "--esModuleInterop", "--skipLibCheck", "--types", "node"];
  try {
    node([tsc, ...flags, "consumer.cts", "consumer.mts"]);
  } catch (error) {
    throw new Error(`tsc failed:\n${(error as { stdout?: string }).stdout ?? error}`);
  }
});
