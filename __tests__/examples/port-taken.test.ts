/**
 * An example whose port is taken says why and exits non-zero; it never prints "listening" and
 * then serves nothing (or exits 0 as if it had run).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { Pool } from "pg";
import { DATABASE_URL } from "../stores/postgres-helpers";

const root = path.join(__dirname, "..", "..");

/** Runs an example to its exit; resolves with the exit code and everything it printed. */
async function runToExit(name: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [path.join(root, "examples", name, "server.js")], {
    env: { ...process.env, DATABASE_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, output };
}

describe("examples refuse a port that is taken", () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer().listen(0);
    await once(blocker, "listening");
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  const memoryExamples: [string, Record<string, string>][] = [
    ["basic", { SCIM_STORE: "memory", SCIM_TOKEN: "example-test-token-0123456789" }],
    ["jwt-auth", {}],
    ["multi-tenant", {}],
  ];
  test.each(memoryExamples)("examples/%s", async (name, env) => {
    const { code, output } = await runToExit(name, { ...env, PORT: String(port) });
    expect(code).not.toBe(0);
    expect(output).toContain("EADDRINUSE");
    expect(output).not.toContain("listening");
  });

  const pgTest = DATABASE_URL ? test : test.skip;
  pgTest.each([
    ["postgres", "SCIM_PG_SCHEMA"],
    ["existing-users-table", "APP_SCHEMA"],
  ])("examples/%s", async (name, schemaVariable) => {
    const schema = `scim_port_${randomBytes(4).toString("hex")}`;
    try {
      const { code, output } = await runToExit(name, {
        DATABASE_URL: DATABASE_URL!,
        [schemaVariable]: schema,
        PORT: String(port),
      });
      expect(code).not.toBe(0);
      expect(output).toContain("EADDRINUSE");
      expect(output).not.toContain("listening");
    } finally {
      const pool = new Pool({ connectionString: DATABASE_URL });
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    }
  });
});
