/**
 * Starts an example as a user starts it: a child process running `node examples/<name>/server.js`,
 * loading the built package by its own name, answered over real HTTP on a free port.
 * (Shared by the postgres, multi-tenant and jwt-auth example tests.)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { GROUP_SCHEMA, USER_SCHEMA } from "../helpers/fixtures";

export const root = path.join(__dirname, "..", "..");

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningExample {
  child: ChildProcess;
  port: number;
  base: string;
  output: () => string;
  /** Resolves once the output matches: lines printed after "listening" may arrive later. */
  printed: (pattern: RegExp) => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * Resolves when the child has printed `wanted` ("listening" by default); rejects with everything
 * it printed if it ends first. No deadline of its own: a start that never ends is jest's
 * timeout, however slow the machine.
 */
export function untilPrinted(
  child: ChildProcess,
  output: () => string,
  label: string,
  wanted: RegExp = /listening/,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const settle = (error?: Error) => {
      done = true;
      child.stdout!.off("data", check);
      child.off("close", ended);
      child.off("error", settle);
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      if (wanted.test(output())) settle();
    };
    const ended = () => settle(new Error(`${label} ended without printing ${wanted}:\n${output()}`));
    child.stdout!.on("data", check);
    child.once("close", ended);
    child.once("error", settle);
    check();
    // Already finished: no "close" is coming.
    if (!done && child.stdout!.readableEnded) ended();
  });
}

/** Waits for "listening" on stdout; fails with everything the example printed if it ends first. */
export async function startExample(name: string, env: Record<string, string>): Promise<RunningExample> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, "examples", name, "server.js")], {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  await untilPrinted(child, () => output, `examples/${name}`);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill();
    await exited;
  };
  const printed = (pattern: RegExp) => untilPrinted(child, () => output, `examples/${name}`, pattern);
  return { child, port, base: `http://127.0.0.1:${port}`, output: () => output, printed, stop };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { id?: string; detail?: string };
}

/** One SCIM request with a bearer token; the body is parsed when there is one. */
export async function scimRequest(url: string, token: string, method = "GET", body?: unknown): Promise<Answer> {
  const res = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

/**
 * What every guide promises: create a user, find it by userName, create a group with it as a
 * member, and see the membership from the user's side.
 */
export async function provisionUserAndGroup(scimBase: string, token: string, userName: string, displayName: string) {
  const user = await scimRequest(`${scimBase}/Users`, token, "POST", {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: "Ada", familyName: "Lovelace" },
    emails: [{ value: userName, type: "work", primary: true }],
    active: true,
  });
  expect(user.status).toBe(201);
  const found = await scimRequest(`${scimBase}/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, token);
  expect(found.status).toBe(200);
  expect(found.body.totalResults).toBe(1);
  const group = await scimRequest(`${scimBase}/Groups`, token, "POST", {
    schemas: [GROUP_SCHEMA],
    displayName,
    members: [{ value: user.body.id }],
  });
  expect(group.status).toBe(201);
  const withGroups = await scimRequest(`${scimBase}/Users/${user.body.id}`, token);
  expect(withGroups.body.groups).toEqual([expect.objectContaining({ value: group.body.id, display: displayName })]);
  return { userId: String(user.body.id), groupId: String(group.body.id) };
}
