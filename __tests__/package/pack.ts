/**
 * The package as npm would publish it. `--ignore-scripts`: `prepack` rebuilds dist/, which other
 * suites running in parallel are loading; `npm test` has built it already.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const root = path.join(__dirname, "..", "..");
export const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");

/** The files `npm pack` would put in the tarball, relative to the package root. */
export function packedFiles(): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" });
  const [packed] = JSON.parse(out) as { files: { path: string }[] }[];
  if (!packed) throw new Error(`npm pack --dry-run listed no package: ${out}`);
  return packed.files.map((f) => f.path);
}

/** Packs into a scratch directory; returns the tarball's path. */
export function pack(): { dir: string; tarball: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "express-scim-pack-"));
  const name = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", dir], {
    cwd: root,
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .pop()!;
  return { dir, tarball: path.join(dir, name), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A scratch app in `dir` with the tarball installed beside `links`: packages from the
 * repository's node_modules that the app has installed (e.g. express, but not pg).
 */
export function install(tarball: string, dir: string, links: string[]): void {
  const target = path.join(dir, "node_modules", "express-scim");
  fs.mkdirSync(target, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
  for (const link of links) {
    fs.mkdirSync(path.dirname(path.join(dir, "node_modules", link)), { recursive: true });
    fs.symlinkSync(path.join(root, "node_modules", link), path.join(dir, "node_modules", link));
  }
}

/** Runs tsc in `dir` (add `--noEmit` to only type-check); a failure shows the compiler's messages. */
export function compile(dir: string, flags: string[], files: string[]): void {
  try {
    execFileSync(process.execPath, [tsc, ...flags, ...files], { cwd: dir, encoding: "utf8" });
  } catch (error) {
    throw new Error(`tsc failed:\n${(error as { stdout?: string }).stdout ?? error}`);
  }
}
