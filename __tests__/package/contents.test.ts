/** What `npm pack` would publish: the build and its licence, nothing a user does not run or read. */
import fs from "node:fs";
import path from "node:path";
import { packedFiles, root } from "./pack";

const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
let files: string[];

beforeAll(() => {
  files = packedFiles();
}, 60000);

test("ships the build, package.json, LICENSE, README and CHANGELOG", () => {
  for (const file of [
    "package.json",
    "LICENSE",
    "README.md",
    "CHANGELOG.md",
    "dist/cjs/index.js",
    "dist/cjs/index.d.ts",
    "dist/esm/index.mjs",
  ]) {
    expect(files).toContain(file);
  }
});

test("ships no tests, no TypeScript sources, no examples and no source maps", () => {
  expect(files.filter((f) => /^(lib|__tests__|examples|bench|scripts)\//.test(f) || /\.test\./.test(f))).toEqual([]);
  expect(files.filter((f) => /\.[cm]?ts$/.test(f) && !/\.d\.[cm]?ts$/.test(f))).toEqual([]);
  // A map would point at lib/, which does not ship.
  expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
  const code = files.filter((f) => /\.[cm]?js$/.test(f));
  expect(code.length).toBeGreaterThan(10);
  expect(code.filter((f) => fs.readFileSync(path.join(root, f), "utf8").includes("sourceMappingURL"))).toEqual([]);
});

test("every file package.json points at ships", () => {
  const leaves = (value: unknown): string[] =>
    typeof value === "string"
      ? [value]
      : value && typeof value === "object"
        ? Object.values(value).flatMap(leaves)
        : [];
  const targets = [pkg.main, pkg.types, ...leaves(pkg.bin), ...leaves(pkg.exports)].map((t: string) =>
    path.posix.normalize(t),
  );
  expect(targets.length).toBeGreaterThan(10);
  expect(targets.filter((t) => !files.includes(t))).toEqual([]);
});

test("LICENSE is the MIT licence that package.json names", () => {
  const license = fs.readFileSync(path.join(root, "LICENSE"), "utf8");
  expect(pkg.license).toBe("MIT");
  expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} express-scim contributors\n/);
  expect(license).toContain("Permission is hereby granted, free of charge, to any person obtaining a copy");
  expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
});

test("package.json says where the code, home page and issues are, and builds before packing", () => {
  const repo = "https://github.com/express-scim/express-scim";
  expect(pkg.repository).toEqual({ type: "git", url: `git+${repo}.git` });
  expect(pkg.homepage).toBe(`${repo}#readme`);
  expect(pkg.bugs).toEqual({ url: `${repo}/issues` });
  // `npm pack` and `npm publish` run prepack: a stale or missing dist/ never ships.
  expect(pkg.scripts.prepack).toBe("npm run build");
  expect(pkg.scripts.build).toBe("node scripts/build.js");
});
