/**
 * `npm start`'s example, started as a user starts it (a child process loading the built package
 * by name) and answered over real HTTP.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { untilPrinted } from "./start-example";

const root = path.join(__dirname, "..", "..");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Each start gets its own SQLite folder and no DATABASE_URL unless the test passes one. */
async function start(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "express-scim-example-"));
  const child = spawn(process.execPath, [path.join(root, "examples", "basic", "server.js")], {
    env: { ...process.env, DATABASE_URL: "", SCIM_DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  await untilPrinted(child, () => output, "example");
  return { child, output: () => output };
}

describe("examples/basic", () => {
  const children: ChildProcess[] = [];
  const afterAllDrops: string[] = [];
  afterAll(async () => {
    for (const c of children) c.kill();
    if (afterAllDrops.length === 0) return;
    const { Pool } = await import("pg");
    const pool = new Pool({ connectionString: process.env.DATABASE_URL });
    for (const schema of afterAllDrops) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  test("serves /scim/v2 on PORT with SCIM_TOKEN, seeded with one user for Okta's spec test", async () => {
    const port = await freePort();
    const token = "example-test-token-0123456789";
    const { child } = await start({ PORT: String(port), SCIM_TOKEN: token });
    children.push(child);
    const res = await fetch(`http://127.0.0.1:${port}/scim/v2/Users?startIndex=1&count=2`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/scim+json; charset=utf-8");
    const body = (await res.json()) as { totalResults: number };
    expect(body.totalResults).toBe(1);
    const denied = await fetch(`http://127.0.0.1:${port}/scim/v2/Users`, {
      headers: { Authorization: "Bearer wrong-token-000000000" },
    });
    expect(denied.status).toBe(401);
  });

  test("deactivating a user over SCIM ends their sessions in the host, and the audit trail shows it", async () => {
    const port = await freePort();
    const token = "example-test-token-sessions-01";
    const { child, output } = await start({ PORT: String(port), SCIM_TOKEN: token, SCIM_SEED: "0" });
    children.push(child);
    const base = `http://127.0.0.1:${port}`;
    const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" };
    const created = await fetch(`${base}/scim/v2/Users`, {
      method: "POST",
      headers,
      body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "leaver@example.com" }),
    });
    const { id } = (await created.json()) as { id: string };
    await fetch(`${base}/demo/sessions/${id}`, { method: "POST", headers });
    await fetch(`${base}/demo/sessions/${id}`, { method: "POST", headers });
    const deactivate = {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "replace", value: { active: false } }],
    };
    expect(
      (await fetch(`${base}/scim/v2/Users/${id}`, { method: "PATCH", headers, body: JSON.stringify(deactivate) }))
        .status,
    ).toBe(200);
    // The listener runs from the store's outbox just after the answer (docs/events.md), and the
    // child logs it on its stdout, which may reach us later still.
    await untilPrinted(child, output, "example", new RegExp(`user\\.deactivated ${id}: .*\\n`));
    expect(output()).toContain(`user.deactivated ${id}: ended 2 session(s)`);
    expect(await (await fetch(`${base}/demo/sessions/${id}`, { headers })).json()).toEqual({ sessions: 0 });
    const audit = (await (await fetch(`${base}/admin/audit?count=5`, { headers })).json()) as {
      items: { method: string; id?: string }[];
    };
    expect(audit.items[0]).toMatchObject({ method: "PATCH", id, outcome: "success", changed: ["active"] });
  });

  test("the operator routes take the SCIM token only, compared in constant time", async () => {
    const source = fs.readFileSync(path.join(root, "examples", "basic", "server.js"), "utf8");
    // A plain comparison of the header leaks, by its timing, how much of a guess was right.
    expect(source).not.toMatch(/authorization["')\]]*\s*[!=]==|[!=]==\s*`Bearer/i);
    expect(source).toContain("timingSafeEqual(");
    const port = await freePort();
    const token = "example-test-token-operator-01";
    const { child } = await start({ PORT: String(port), SCIM_TOKEN: token, SCIM_SEED: "0" });
    children.push(child);
    const base = `http://127.0.0.1:${port}`;
    for (const presented of [token, `${token.slice(0, -1)}2`, "short", ""]) {
      const res = await fetch(`${base}/admin/audit`, { headers: { Authorization: `Bearer ${presented}` } });
      expect([presented, res.status]).toEqual([presented, presented === token ? 200 : 401]);
    }
    expect((await fetch(`${base}/demo/sessions/x`, { method: "POST" })).status).toBe(401);
  });

  test("the console is at /admin behind ADMIN_TOKEN (basic-auth prompt), and npm start prints its URL", async () => {
    const port = await freePort();
    const token = "example-test-token-console-01";
    const admin = "example-admin-token-console-01";
    const { child, output } = await start({ PORT: String(port), SCIM_TOKEN: token, ADMIN_TOKEN: admin });
    children.push(child);
    // The console line is its own write after "listening": it may reach the pipe later.
    await untilPrinted(child, output, "example", /Console: .*\n/);
    expect(output()).toContain(`Console: http://localhost:${port}/admin/`);
    expect(output()).not.toContain(admin);
    const base = `http://127.0.0.1:${port}`;
    await fetch(`${base}/scim/v2/Users`, { headers: { Authorization: `Bearer ${token}` } });
    const refused = await fetch(`${base}/admin/requests`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toMatch(/^Basic /);
    const wrong = `Basic ${Buffer.from(`admin:${admin}x`).toString("base64")}`;
    expect((await fetch(`${base}/admin/requests`, { headers: { Authorization: wrong } })).status).toBe(401);
    const basic = `Basic ${Buffer.from(`admin:${admin}`).toString("base64")}`;
    const page = await fetch(`${base}/admin/requests`, { headers: { Authorization: basic } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/Users");
    const ready = await fetch(`${base}/admin/readyz`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(await ready.json()).toMatchObject({ status: "ready" });
  });

  test("the embedded default is SQLite in a file: data survives a restart", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "express-scim-restart-"));
    const token = "example-test-token-restart-01";
    const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" };
    const port = await freePort();
    const first = await start({ PORT: String(port), SCIM_TOKEN: token, SCIM_DATA_DIR: dataDir });
    expect(first.output()).toContain("Store: SQLite");
    const created = await fetch(`http://127.0.0.1:${port}/scim/v2/Groups`, {
      method: "POST",
      headers,
      body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "Survivors" }),
    });
    expect(created.status).toBe(201);
    first.child.kill();
    await new Promise((r) => first.child.once("exit", r));
    const port2 = await freePort();
    const second = await start({ PORT: String(port2), SCIM_TOKEN: token, SCIM_DATA_DIR: dataDir });
    children.push(second.child);
    const found = await fetch(`http://127.0.0.1:${port2}/scim/v2/Groups?filter=displayName%20eq%20%22Survivors%22`, {
      headers,
    });
    expect(((await found.json()) as { totalResults: number }).totalResults).toBe(1);
  });

  const pg = process.env.DATABASE_URL ? test : test.skip;
  pg("DATABASE_URL switches to PostgreSQL: two instances share one database", async () => {
    const token = "example-test-token-postgres-01";
    const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" };
    const [p1, p2] = [await freePort(), await freePort()];
    // A schema of this test's own, dropped afterwards: never the default "scim" of a shared database.
    const schema = `scim_basic_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
    afterAllDrops.push(schema);
    const env = { SCIM_TOKEN: token, DATABASE_URL: process.env.DATABASE_URL!, SCIM_SEED: "0", SCIM_PG_SCHEMA: schema };
    const a = await start({ ...env, PORT: String(p1) });
    const b = await start({ ...env, PORT: String(p2) });
    children.push(a.child, b.child);
    expect(a.output()).toContain("Store: PostgreSQL");
    const userName = `shared-${randomUUID()}@example.com`;
    const created = await fetch(`http://127.0.0.1:${p1}/scim/v2/Users`, {
      method: "POST",
      headers,
      body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const seen = await fetch(`http://127.0.0.1:${p2}/scim/v2/Users/${id}`, { headers });
    expect(seen.status).toBe(200);
    expect(((await seen.json()) as { userName: string }).userName).toBe(userName);
    expect((await fetch(`http://127.0.0.1:${p2}/scim/v2/Users/${id}`, { method: "DELETE", headers })).status).toBe(204);
  });

  test("without SCIM_TOKEN it prints a generated token that works", async () => {
    const port = await freePort();
    const env: Record<string, string> = { PORT: String(port), SCIM_TOKEN: "" };
    const { child, output } = await start(env);
    children.push(child);
    // The token line follows the "listening" line, maybe in a later chunk.
    await untilPrinted(child, output, "example", /Bearer token.*\n/);
    const token = /Bearer token \(generated[^)]*\): (\S+)/.exec(output())?.[1];
    expect(token).toMatch(/^scim_/);
    const res = await fetch(`http://127.0.0.1:${port}/scim/v2/ServiceProviderConfig`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
  });
});
