/**
 * The package as users load it: packed with `npm pack`, unpacked into a scratch node_modules,
 * then required from CommonJS, imported from ESM, and type-checked from TypeScript.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { compile, install, pack, root } from "./pack";
import { quickstart } from "./readme-snippet";

let dir: string;
let tarball: string;
let cleanup: () => void;

beforeAll(() => {
  ({ dir, tarball, cleanup } = pack());
  // An app with express and its types installed, and neither SQL driver.
  install(tarball, dir, [
    "express",
    "debug",
    "ms",
    "fast-json-patch",
    "standardwebhooks",
    "@stablelib",
    "fast-sha256",
    "@types",
  ]);
}, 60000);

afterAll(() => cleanup());

const node = (args: string[], cwd = dir) =>
  execFileSync(process.execPath, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_PATH: "" },
  });
const STRICT_NODE16 = [
  "--strict",
  "--module",
  "node16",
  "--moduleResolution",
  "node16",
  "--esModuleInterop",
  "--types",
  "node",
];

test("the tarball holds the build, not the sources or tests", () => {
  const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" });
  expect(files).toContain("package/dist/cjs/index.js");
  expect(files).toContain("package/dist/esm/index.mjs");
  expect(files).not.toMatch(/package\/(lib|__tests__)\//);
});

test("require() from CommonJS", () => {
  const out = node([
    "-e",
    'const m = require("express-scim"); console.log(typeof m.scim, typeof m.memoryStore, typeof m.ScimError)',
  ]);
  expect(out.trim()).toBe("function function function");
});

test("import from ESM shares the CommonJS instance", () => {
  const code =
    'import { scim, ScimError } from "express-scim"; import { createRequire } from "node:module"; const r = createRequire(import.meta.url); console.log(typeof scim, ScimError === r("express-scim").ScimError)';
  expect(node(["--input-type=module", "-e", code]).trim()).toBe("function true");
});

test("express-scim/testing is importable", () => {
  expect(node(["-e", 'console.log(typeof require("express-scim/testing").storeConformance)']).trim()).toBe("function");
});

test("express-scim/store-helpers serves store authors from require and import alike", () => {
  const cjs =
    'const h = require("express-scim/store-helpers"); console.log(h.hashToken("x").length, typeof h.evaluateFilter)';
  expect(node(["-e", cjs]).trim()).toBe("64 function");
  const esm =
    'import { TOKEN_PREFIX, compareRecords } from "express-scim/store-helpers"; console.log(TOKEN_PREFIX, typeof compareRecords)';
  expect(node(["--input-type=module", "-e", esm]).trim()).toBe("scim_ function");
});

test("the main entry keeps store-author helpers out of an app's way", () => {
  const code =
    'const m = require("express-scim"); console.log(["hashToken", "TOKEN_PREFIX", "parseInstant"].filter((n) => n in m).length)';
  expect(node(["-e", code]).trim()).toBe("0");
});

test("express-scim/console: require() and import share one instance, and a console mounts", () => {
  const cjs = node([
    "-e",
    'const c = require("express-scim/console"); const { memoryStore } = require("express-scim"); const r = c.scimConsole({ auth: "host", store: memoryStore(), requestLog: { log: c.memoryRequestLog() } }); console.log(typeof r, typeof c.scimHealth)',
  ]);
  expect(cjs.trim()).toBe("function function");
  const esm =
    'import { scimConsole } from "express-scim/console"; import { createRequire } from "node:module"; console.log(scimConsole === createRequire(import.meta.url)("express-scim/console").scimConsole)';
  expect(node(["--input-type=module", "-e", esm]).trim()).toBe("true");
});

describe("from TypeScript, under strict", () => {
  // Options, an express app, and the compiler rejecting what the runtime rejects.
  const consumer = [
    'import express from "express";',
    'import { scim, memoryStore, type ScimOptions } from "express-scim";',
    'import { storeConformance } from "express-scim/testing";',
    'import { scimConsole, memoryRequestLog, type ConsoleOptions } from "express-scim/console";',
    'const options: ScimOptions = { store: memoryStore(), tokens: [{ token: "x".repeat(20), scopes: ["get:users"] }], requestLog: { log: memoryRequestLog() } };',
    'express().use("/scim/v2", scim(options));',
    'const admin: ConsoleOptions = { auth: "host", store: options.store, requestLog: options.requestLog! };',
    'express().use("/admin", scimConsole(admin));',
    "// @ts-expect-error the console needs an explicit auth decision",
    "scimConsole({ store: options.store, requestLog: options.requestLog! });",
    "void storeConformance;",
    "// @ts-expect-error tokens and auth together are rejected by the compiler",
    "const bad: ScimOptions = { store: memoryStore(), tokens: [], auth: () => null };",
    "void bad;",
  ].join("\n");
  const defaultImport = [
    'import express from "express";',
    'import scim, { memoryStore } from "express-scim";',
    'express().use("/scim/v2", scim({ store: memoryStore(), tokens: [{ token: "x".repeat(20), scopes: ["get:users"] }] }));',
    "console.log(typeof scim);",
  ].join("\n");
  const noDefault = '// @ts-expect-error no default export\nimport sqlite from "express-scim/sqlite";\nvoid sqlite;\n';
  const sources: Record<string, string> = {
    "consumer.cts": consumer,
    "consumer.mts": consumer,
    "quickstart.mts": quickstart().code,
    "default.cts": defaultImport,
    "default.mts": defaultImport,
    "no-default.mts": noDefault,
    "bundler/quickstart.ts": quickstart().code,
    "bundler/default.ts": defaultImport,
    "node10/default.ts": defaultImport,
  };
  beforeAll(() => {
    for (const [file, source] of Object.entries(sources)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), source);
    }
  });

  // One compiler run per resolution mode: each costs seconds on a busy machine.
  test("node16 resolution, CJS and ESM: the README quickstart unchanged, options, a default import, and it runs", () => {
    // Emitting, with no skipLibCheck: the shipped .d.ts files are checked too.
    const out = path.join(dir, "out");
    compile(
      dir,
      [...STRICT_NODE16, "--outDir", out],
      Object.keys(sources).filter((f) => !f.includes("/")),
    );
    expect(node([path.join(out, "default.cjs")]).trim()).toBe("function");
    expect(node([path.join(out, "default.mjs")]).trim()).toBe("function");
  });

  test("bundler resolution: the README quickstart and a default import", () => {
    compile(
      dir,
      [
        "--noEmit",
        "--strict",
        "--module",
        "esnext",
        "--moduleResolution",
        "bundler",
        "--esModuleInterop",
        "--types",
        "node",
        "--skipLibCheck",
      ],
      ["bundler/quickstart.ts", "bundler/default.ts"],
    );
  });

  test("classic node resolution (types from package.json's top level): a default import", () => {
    compile(
      dir,
      [
        "--noEmit",
        "--strict",
        "--module",
        "commonjs",
        "--moduleResolution",
        "node10",
        "--esModuleInterop",
        "--types",
        "node",
        "--skipLibCheck",
      ],
      ["node10/default.ts"],
    );
  });
});

describe("a default import", () => {
  test("is the scim function, from ESM and from CommonJS", () => {
    expect(
      node([
        "--input-type=module",
        "-e",
        'import scim, { scim as named } from "express-scim"; console.log(scim === named)',
      ]).trim(),
    ).toBe("true");
    expect(node(["-e", 'const m = require("express-scim"); console.log(m.default === m.scim)']).trim()).toBe("true");
  });

  test("of an entry without one fails at run time, as it does in the compiler (no-default.mts above)", () => {
    expect(() => node(["--input-type=module", "-e", 'import sqlite from "express-scim/sqlite";'])).toThrow(
      /does not provide an export named 'default'/,
    );
  });
});

describe("without @types/express", () => {
  // A directory of its own: from inside `dir`, resolution would find dir's @types/express.
  let bare: string;
  beforeAll(() => {
    bare = fs.mkdtempSync(path.join(os.tmpdir(), "express-scim-bare-"));
    install(tarball, bare, [
      "express",
      "debug",
      "ms",
      "fast-json-patch",
      "standardwebhooks",
      "@stablelib",
      "fast-sha256",
      "@types/node",
      "undici-types",
    ]);
  });
  afterAll(() => fs.rmSync(bare, { recursive: true, force: true }));

  test("it is an optional peer dependency, in a range that includes the version we test with", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    expect(pkg.peerDependenciesMeta["@types/express"]).toEqual({ optional: true });
    const tested = JSON.parse(
      fs.readFileSync(path.join(root, "node_modules", "@types", "express", "package.json"), "utf8"),
    ).version;
    expect(pkg.peerDependencies["@types/express"]).toContain(`^${tested.split(".")[0]}`);
  });

  test("an app's options, store and router type-check (skipLibCheck, as tsc --init sets it)", () => {
    fs.writeFileSync(
      path.join(bare, "app.mts"),
      [
        'import { scim, memoryStore, type ScimOptions, type Store, type PatchHook } from "express-scim";',
        "const beforePatch: PatchHook = ({ operations }) => operations.map((op) => op.op);",
        'const options: ScimOptions = { store: memoryStore(), tokens: [{ token: "x".repeat(20), scopes: ["get:users"] }], hooks: { users: { beforePatch } } };',
        "const store: Store = memoryStore();",
        "void scim(options), store;",
      ].join("\n"),
    );
    expect(() =>
      execFileSync(process.execPath, ["-e", 'require.resolve("@types/express/package.json")'], {
        cwd: bare,
        stdio: "ignore",
      }),
    ).toThrow();
    compile(bare, ["--noEmit", ...STRICT_NODE16, "--skipLibCheck"], ["app.mts"]);
  });
});

describe("a missing SQL driver", () => {
  // Deterministic whatever sits above the temp directory: the hook makes Node's resolver look
  // for the drivers nowhere, so the error is Node's own "Cannot find module".
  const hide = (drivers: string[]) =>
    [
      'const Module = require("node:module");',
      "const resolve = Module._resolveFilename;",
      `const hidden = new Set(${JSON.stringify(drivers)});`,
      "Module._resolveFilename = function (request, parent, ...rest) {",
      '  return resolve.call(this, request, hidden.has(request) ? { id: "hidden", filename: "/hidden.js", paths: [] } : parent, ...rest);',
      "};",
    ].join("\n");
  let preload: string;
  beforeAll(() => {
    preload = path.join(dir, "hide-drivers.cjs");
    fs.writeFileSync(preload, hide(["better-sqlite3", "pg"]));
  });
  const peers = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).peerDependencies as Record<
    string,
    string
  >;
  const major = (name: string) => /\d+/.exec(peers[name] ?? "")?.[0];

  test.each([
    ["sqlite", "sqliteStore", '{ filename: ":memory:" }', "better-sqlite3"],
    ["postgres", "postgresStore", '{ connectionString: "postgres://localhost/scim" }', "pg"],
  ])("express-scim/%s: %s says which package to install, from CJS and ESM", (entry, fn, args, driver) => {
    const message = `${fn} needs ${driver}, an optional peer dependency of express-scim: npm install ${driver}@${major(driver)}`;
    const cjs = `try { require("express-scim/${entry}").${fn}(${args}); } catch (e) { console.log(e.message); }`;
    const esm = `import { ${fn} } from "express-scim/${entry}"; try { ${fn}(${args}); } catch (e) { console.log(e.message); }`;
    expect(node(["-r", preload, "-e", cjs]).trim()).toBe(message);
    expect(node(["-r", preload, "--input-type=module", "-e", esm]).trim()).toBe(message);
  });

  test("postgresStore with the host's own pool needs no pg", () => {
    const code = [
      'const { postgresStore } = require("express-scim/postgres");',
      "const pool = { connect: async () => { throw new Error('unused'); }, query: async () => ({ rows: [], rowCount: 0 }), end: async () => {} };",
      "console.log(typeof postgresStore({ pool }).users.get);",
    ].join("\n");
    expect(node(["-r", preload, "-e", code]).trim()).toBe("function");
  });
});
