/**
 * `npm start`'s example, started as a user starts it (a child process loading the built package
 * by name) and answered over real HTTP.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

const root = path.join(__dirname, "..", "..");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function start(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [path.join(root, "examples", "basic", "server.js")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const deadline = Date.now() + 15000;
  while (!output.includes("listening")) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`example did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output: () => output };
}

describe("examples/basic", () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((c) => c.kill()));

  test("serves /scim/v2 on PORT with SCIM_TOKEN, seeded with one user for Okta's spec test", async () => {
    const port = await freePort();
    const token = "example-test-token-0123456789";
    const { child } = await start({ PORT: String(port), SCIM_TOKEN: token });
    children.push(child);
    const res = await fetch(`http://127.0.0.1:${port}/scim/v2/Users?startIndex=1&count=2`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/scim+json; charset=utf-8");
    const body = (await res.json()) as { totalResults: number };
    expect(body.totalResults).toBe(1);
    const denied = await fetch(`http://127.0.0.1:${port}/scim/v2/Users`, { headers: { Authorization: "Bearer wrong-token-000000000" } });
    expect(denied.status).toBe(401);
  });

  test("without SCIM_TOKEN it prints a generated token that works", async () => {
    const port = await freePort();
    const env: Record<string, string> = { PORT: String(port), SCIM_TOKEN: "" };
    const { child, output } = await start(env);
    children.push(child);
    const token = /Bearer token \(generated[^)]*\): (\S+)/.exec(output())?.[1];
    expect(token).toMatch(/^scim_/);
    const res = await fetch(`http://127.0.0.1:${port}/scim/v2/ServiceProviderConfig`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
  });
});
