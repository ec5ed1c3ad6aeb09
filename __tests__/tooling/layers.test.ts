/**
 * The layer rules of .dependency-cruiser.cjs catch what they guard: a small tree of files, some
 * importing down (allowed) and some up, across stores or into I/O (refused), is checked with the
 * project's own config. `npm run lint:layers` applies the same rules to lib/.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.join(__dirname, "..", "..");
const depcruise = path.join(root, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");

const tree: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { module: "commonjs", moduleResolution: "node" } }),
  "lib/values/fold.ts": "export const fold = (s: string) => s;\n",
  "lib/values/io.ts": 'import { readFileSync } from "node:fs";\nexport const read = readFileSync;\n',
  "lib/protocol/errors.ts": 'import { fold } from "../values/fold";\nexport const error = fold;\n',
  "lib/schema/coerce.ts": 'import { error } from "../protocol/errors";\nexport const coerce = error;\n',
  "lib/schema/upward.ts": 'import { parse } from "../protocol/parse";\nexport const up = parse;\n',
  "lib/protocol/parse.ts": 'import { coerce } from "../schema/coerce";\nexport const parse = coerce;\n',
  "lib/stores/types.ts": "export type Store = { name: string };\n",
  "lib/stores/memory/lock.ts": "export class Lock {}\n",
  "lib/stores/sql/store.ts":
    'import type { Store } from "../types";\nimport { Lock } from "../memory/lock";\nexport const s = (x: Store) => [x, Lock];\n',
  "lib/service/users.ts": 'import { Lock } from "../stores/memory/lock";\nexport const u = Lock;\n',
};

function violations(): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "express-scim-layers-"));
  try {
    for (const [file, text] of Object.entries(tree)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const run = spawnSync(
      process.execPath,
      [depcruise, "lib", "--config", path.join(root, ".dependency-cruiser.cjs"), "--output-type", "json"],
      { cwd: dir, encoding: "utf8" },
    );
    const result = JSON.parse(run.stdout) as {
      summary: { violations: { rule: { name: string }; from: string; to: string }[] };
    };
    return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("an upward import, I/O in the pure core, one store reaching into another, and a store named outside the entries all fail", () => {
  expect(violations()).toEqual([
    "no-upward-from-schema: lib/schema/upward.ts -> lib/protocol/parse.ts",
    "pure-core: lib/values/io.ts -> fs",
    "sql-is-shared: lib/stores/sql/store.ts -> lib/stores/memory/lock.ts",
    "stores-only-from-entries: lib/service/users.ts -> lib/stores/memory/lock.ts",
    "stores-stand-alone: lib/stores/sql/store.ts -> lib/stores/memory/lock.ts",
  ]);
});
