#!/usr/bin/env node
// `npm test`: build (the package tests load dist/ as users do), the static checks (lint, layers,
// unused code, doc comments, the packed package), then every suite on Express 5,
// the HTTP suites again on Express 4, and the recorded Okta and Entra sequences again on the
// SQLite store and (with DATABASE_URL) the PostgreSQL store. Extra arguments go to every jest run.
//
// Every phase runs even when one before it failed; the summary at the end gives each phase's
// result and time, what was skipped, the slowest test files, and `N passed, N failed`.

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.join(__dirname, "..");
const jest = require.resolve("jest/bin/jest");
const args = process.argv.slice(2);
const hasDatabase = Boolean(process.env.DATABASE_URL);
const reports = fs.mkdtempSync(path.join(os.tmpdir(), "express-scim-test-"));

/** The phases, in order; `jest` phases are parsed from jest's JSON report. */
const phases = [
  { label: "build", script: path.join(__dirname, "build.js") },
  // Each check counts as one test in the totals, so a failing one is never hidden by the others.
  { label: "static checks", script: path.join(__dirname, "static-checks.js"), countsChecks: true },
  { label: "tests on Express 5", config: "jest.config.js" },
  { label: "HTTP tests on Express 4", config: "jest.express4.config.js" },
  { label: "client replays on the SQLite store", config: "jest.replay.config.js", env: { REPLAY_STORE: "sqlite" } },
  {
    label: "client replays on the PostgreSQL store",
    config: "jest.replay.config.js",
    env: { REPLAY_STORE: "postgres" },
    needsDatabase: true,
  },
];

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const relative = (file) => path.relative(root, file);

function runPhase(phase, index) {
  process.stdout.write(`\n== ${phase.label}\n`);
  if (phase.needsDatabase && !hasDatabase) {
    process.stdout.write("SKIPPED: DATABASE_URL is not set.\n");
    return { phase, skipped: true, ms: 0, passed: 0, failed: 0, pending: 0, files: [], pendingTests: [] };
  }
  const started = Date.now();
  if (phase.script) {
    const report = path.join(reports, `phase-${index}.json`);
    const result = spawnSync(process.execPath, [phase.script], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, STATIC_CHECKS_REPORT: report },
    });
    const ok = result.status === 0;
    if (phase.countsChecks) return checksResult(phase, ok, Date.now() - started, report);
    // A phase without tests counts as one failure when it fails, so the total never hides it.
    return {
      phase,
      ok,
      ms: Date.now() - started,
      passed: 0,
      failed: ok ? 0 : 1,
      pending: 0,
      files: [],
      pendingTests: [],
    };
  }
  const outputFile = path.join(reports, `phase-${index}.json`);
  const jestArgs = [
    "-c",
    phase.config,
    "--json",
    `--outputFile=${outputFile}`,
    ...(args.length ? ["--passWithNoTests"] : []),
    ...args,
  ];
  const result = spawnSync(process.execPath, [jest, ...jestArgs], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, ...phase.env },
  });
  const ms = Date.now() - started;
  let report;
  try {
    report = JSON.parse(fs.readFileSync(outputFile, "utf8"));
  } catch {
    return {
      phase,
      ok: false,
      ms,
      passed: 0,
      failed: 1,
      pending: 0,
      files: [],
      pendingTests: [],
      note: "jest wrote no report",
    };
  }
  // A file that failed to run (a syntax error, a failing beforeAll) may have no failed test: count it once.
  const brokenFiles = report.testResults.filter(
    (f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed"),
  ).length;
  const files = report.testResults.map((f) => ({
    name: relative(f.name),
    ms: f.endTime - f.startTime,
    phase: phase.label,
  }));
  const failures = report.testResults.flatMap((f) => {
    const failedTests = f.assertionResults
      .filter((a) => a.status === "failed")
      .map((a) => `${relative(f.name)}: ${a.fullName}`);
    return failedTests.length || f.status !== "failed"
      ? failedTests
      : [
          `${relative(f.name)}: did not run (${(f.message.split("\n").find((l) => l.trim() && !l.includes("●")) ?? "").trim().slice(0, 160)})`,
        ];
  });
  const pendingTests = report.testResults.flatMap((f) =>
    f.assertionResults
      .filter((a) => a.status === "pending" || a.status === "skipped" || a.status === "todo")
      .map((a) => ({ file: relative(f.name), suite: a.ancestorTitles[0] ?? a.title })),
  );
  const ok = result.status === 0 && report.success;
  return {
    phase,
    ok,
    ms,
    passed: report.numPassedTests,
    // A jest that failed without a failed test (killed, an open-handle error) still counts once.
    failed: Math.max(report.numFailedTests + brokenFiles, ok ? 0 : 1),
    pending: report.numPendingTests + report.numTodoTests,
    files,
    pendingTests,
    failures,
    note: brokenFiles ? `${brokenFiles} file(s) failed to run` : undefined,
  };
}

/** A checks phase counts each check as one test; a phase that wrote no report counts as one failure. */
function checksResult(phase, ok, ms, reportFile) {
  let report;
  try {
    report = JSON.parse(fs.readFileSync(reportFile, "utf8"));
  } catch {
    return { phase, ok: false, ms, passed: 0, failed: 1, pending: 0, files: [], pendingTests: [], note: "no report" };
  }
  return {
    phase,
    ok: ok && report.failed.length === 0,
    ms,
    passed: report.passed.length,
    failed: Math.max(report.failed.length, ok ? 0 : 1),
    pending: 0,
    files: [],
    pendingTests: [],
    failures: report.failed.map((name) => `npm run ${name}`),
  };
}

const results = phases.map(runPhase);
fs.rmSync(reports, { recursive: true, force: true });

const out = [];
out.push("", "== summary", "");
for (const r of results) {
  const verdict = r.skipped ? "skipped" : r.ok ? "ok" : "FAILED";
  const counts =
    (r.phase.config || r.phase.countsChecks) && !r.skipped
      ? `: ${r.passed} passed, ${r.failed} failed${r.pending ? `, ${r.pending} skipped` : ""}`
      : "";
  const note = r.note ? ` (${r.note})` : "";
  out.push(`${verdict.padEnd(8)}${r.phase.label}${counts}${note}${r.skipped ? "" : `, ${seconds(r.ms)}`}`);
}

const failures = results.flatMap((r) => (r.failures ?? []).map((f) => `  ${f} (${r.phase.label})`));
if (failures.length) out.push("", "Failed:", ...failures);

// Skipped tests, said once, grouped by file and top-level describe (no per-file warnings).
const skipped = new Map();
for (const r of results)
  for (const t of r.pendingTests)
    skipped.set(`${t.suite} (${t.file})`, (skipped.get(`${t.suite} (${t.file})`) ?? 0) + 1);
const skippedLines = [...skipped]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([name, n]) => `  ${name}: ${n} test${n === 1 ? "" : "s"}`);
if (!hasDatabase) {
  out.push("", "Skipped, because DATABASE_URL is not set (the PostgreSQL suites need it):");
  out.push(`  the phase "client replays on the PostgreSQL store"`, ...skippedLines);
  out.push(
    "To run them: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test (any database you may write to; see CONTRIBUTING.md).",
  );
} else if (skippedLines.length) {
  out.push("", "Skipped:", ...skippedLines);
}

const slowest = results
  .flatMap((r) => r.files)
  .sort((a, b) => b.ms - a.ms)
  .slice(0, 5);
if (slowest.length) {
  out.push("", "Slowest test files:");
  for (const f of slowest) out.push(`  ${seconds(f.ms).padStart(8)}  ${f.name} (${f.phase})`);
}

const total = results.reduce((sum, r) => sum + r.ms, 0);
const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
out.push("", `Total time ${seconds(total)}.`, `${passed} passed, ${failed} failed`);
process.stdout.write(`${out.join("\n")}\n`);
process.exit(failed > 0 || results.some((r) => r.ok === false) ? 1 : 0);
