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
import express, { type RequestHandler } from "express";
import { ALL_SCOPES, memoryStore, scim } from "../../lib";
import { cli } from "./run-cli";
import { parseArgs } from "../../lib/cli/args";
import { checkPlan } from "../../lib/cli/check/command";
import { freePort, root, untilPrinted } from "../examples/start-example";
import { TOKEN } from "../helpers/fixtures";

/** The totals line and the names of the failed steps ("okta-spec 12"). */
const failedSteps = (out: string) => [...out.matchAll(/^FAIL {2}(\S+ \d+)\./gm)].map((m) => m[1]!);
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

  // Two whole runs meet the example's rate limit: the check waits out each 429's Retry-After.
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
  }, 300_000);
});

/** This library's router on a memory store, behind `breakage`: a deliberately broken SCIM server. */
async function brokenServer(breakage: RequestHandler) {
  const app = express();
  app.use("/scim/v2", breakage, scim({ store: memoryStore(), tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }] }));
  return listen(app);
}

const scimError = (res: express.Response, status: number, detail: string) =>
  res
    .status(status)
    .type("application/scim+json")
    .send(JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: String(status), detail }));

describe("express-scim check against broken servers names the failing steps", () => {
  test("PATCH answers 500: the PATCH steps fail with their request and answer; the rest pass; nothing is left", async () => {
    const server = await brokenServer((req, res, next) =>
      req.method === "PATCH" ? scimError(res, 500, "PATCH is broken here") : next(),
    );
    try {
      const { code, out } = await cli("check", server.base, "--token", TOKEN, "--profile", "okta");
      expect(code).toBe(1);
      const failed = failedSteps(out);
      expect(failed).toEqual(expect.arrayContaining(["okta-crud 3", "okta-crud 5", "okta-push 4", "okta-push 5"]));
      // The spec test sends no PATCH: none of its steps fails.
      expect(failed.filter((s) => s.startsWith("okta-spec"))).toEqual([]);
      expect(out).toMatch(
        /FAIL {2}okta-crud 3\. deactivate[^\n]*\n\s+expected HTTP 200, got 500\n\s+request:\n\s+PATCH http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/Users\/\S+/,
      );
      expect(out).toContain('"Operations":[{"op":"replace","value":{"active":false}}]');
      expect(out).toMatch(
        /response: 500 {2}Content-Type: application\/scim\+json[^\n]*\n\s+\{[^\n]*PATCH is broken here/,
      );
      expect(out).toContain("Authorization: Bearer [redacted]");
      expect(out).not.toContain(TOKEN);
      const [passed, failures] = totals(out)!;
      expect(failures).toBe(failed.length);
      expect(passed).toBeGreaterThan(15);
      expect(await counts(server.base, TOKEN)).toEqual({ users: 0, groups: 0 });
    } finally {
      await server.close();
    }
  });

  test("wrong totalResults: the lookups that count fail, naming the total", async () => {
    const server = await brokenServer((_req, res, next) => {
      const end = res.end.bind(res) as (...args: unknown[]) => express.Response;
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        if (typeof chunk === "string" && chunk.includes('"totalResults"')) {
          const body = JSON.parse(chunk);
          body.totalResults += 1;
          return end(JSON.stringify(body), ...rest);
        }
        return end(chunk, ...rest);
      }) as typeof res.end;
      next();
    });
    try {
      const { code, out } = await cli("check", server.base, "--token", TOKEN, "--profile", "okta");
      expect(code).toBe(1);
      expect(failedSteps(out)).toEqual(
        expect.arrayContaining(["okta-spec 8", "okta-spec 11", "okta-spec 15", "okta-push 2"]),
      );
      expect(out).toMatch(/FAIL {2}okta-spec 8\.[^\n]*\n\s+expected totalResults 0, got 1/);
    } finally {
      await server.close();
    }
  });

  test("filters ignored: every lookup that should find nothing or one fails", async () => {
    const server = await brokenServer((req, _res, next) => {
      // The router reads the query from originalUrl (raw spaces and quotes survive there).
      req.url = req.url.replace(/([?&])filter=[^&]*&?/, "$1");
      req.originalUrl = req.originalUrl.replace(/([?&])filter=[^&]*&?/, "$1");
      next();
    });
    try {
      const { code, out } = await cli("check", server.base, "--token", TOKEN, "--profile", "entra");
      expect(code).toBe(1);
      expect(failedSteps(out)).toEqual(
        expect.arrayContaining(["entra-users 3", "entra-users 4", "entra-groups 3", "entra-groups 9"]),
      );
      expect(out).toMatch(
        /FAIL {2}entra-users 3\.[^\n]*\n\s+expected totalResults 1, got \d+\n\s+request:\n\s+GET \S+\/Users\?filter=userName%20eq%20/,
      );
      expect(await counts(server.base, TOKEN)).toEqual({ users: 0, groups: 0 });
    } finally {
      await server.close();
    }
  });

  test("DELETE of users refused: the run still passes, and clean-up deactivates the users it made", async () => {
    const server = await brokenServer((req, res, next) =>
      req.method === "DELETE" && req.path.startsWith("/Users/")
        ? scimError(res, 405, "Users are never deleted here")
        : next(),
    );
    try {
      const { code, out } = await cli("check", server.base, "--token", TOKEN, "--profile", "okta");
      expect({ code, failed: failedSteps(out) }).toEqual({ code: 0, failed: [] });
      expect(out).toMatch(/deactivated \d+ user\(s\) whose DELETE was refused/);
      const active = await fetch(`${server.base}/Users?filter=${encodeURIComponent("active eq true")}&count=0`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      expect(((await active.json()) as { totalResults: number }).totalResults).toBe(0);
      expect((await counts(server.base, TOKEN)).groups).toBe(0);
    } finally {
      await server.close();
    }
  });

  test("a request that gets no answer fails its step after --timeout; the others still run", async () => {
    const server = await brokenServer((req, _res, next) => {
      if (!req.path.startsWith("/ServiceProviderConfig")) next();
    });
    try {
      const { code, out } = await cli("check", server.base, "--token", TOKEN, "--profile", "okta", "--timeout", "1s");
      expect(code).toBe(1);
      expect(failedSteps(out)).toEqual(["okta-spec 2"]);
      expect(out).toMatch(
        /FAIL {2}okta-spec 2\.[^\n]*\n\s+GET \S+\/ServiceProviderConfig: no answer within 1 s\n\s+request:/,
      );
    } finally {
      await server.close();
    }
  });
});

describe("express-scim check interrupted", () => {
  test("Ctrl-C stops after the step under way; what the run created is still removed; exit 1", async () => {
    let sent = false;
    const listeners = process.listenerCount("SIGINT");
    const server = await brokenServer((req, _res, next) => {
      // The CRUD Test's first request: the interrupt arrives while a step is under way.
      if (!sent && decodeURIComponent(req.originalUrl).includes('userName eq "crud.')) {
        sent = true;
        process.emit("SIGINT");
      }
      next();
    });
    try {
      const { code, out } = await cli("check", server.base, "--token", TOKEN, "--profile", "okta");
      expect({ code, failed: failedSteps(out) }).toEqual({ code: 1, failed: [] });
      expect(out).toContain("Interrupted: stopping after this step, then cleaning up.");
      expect(out).toMatch(/^PASS {2}okta-crud 1\./m);
      expect(out).not.toMatch(/okta-crud 2\.|okta-push/);
      expect(await counts(server.base, TOKEN)).toEqual({ users: 0, groups: 0 });
      expect(process.listenerCount("SIGINT")).toBe(listeners);
    } finally {
      await server.close();
    }
  });
});

describe("express-scim check: what it refuses before sending anything", () => {
  test("plain http to another host is refused (exit 2) unless --insecure; loopback and https are fine", async () => {
    const refused = await cli("check", "http://scim.example.com/scim/v2", "--token", "t");
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/Refusing plain http to scim\.example\.com.*--insecure/);
    const plan = (...argv: string[]) => {
      const parsed = parseArgs(["check", ...argv]);
      if (parsed.kind !== "run") throw new Error("not a run");
      return checkPlan(parsed.invocation, {});
    };
    expect(plan("http://scim.example.com/scim/v2/", "--token", "t", "--insecure").base).toBe(
      "http://scim.example.com/scim/v2",
    );
    for (const ok of [
      "https://scim.example.com/scim/v2",
      "http://localhost:3000/scim/v2",
      "http://127.0.0.1:3000/x",
      "http://[::1]:3000/x",
    ])
      expect(plan(ok, "--token", "t").profiles).toEqual(["okta", "entra"]);
    expect(() => plan("ftp://scim.example.com", "--token", "t")).toThrow(/not http or https/);
    // Entra's Tenant URL, pasted with its flag, is the same base URL.
    expect(plan("https://x.example.com/scim/v2?aadOptscim062020", "--token", "t").base).toBe(
      "https://x.example.com/scim/v2",
    );
    expect(() => plan("https://x.example.com/scim/v2?x=1", "--token", "t")).toThrow(/without a query/);
  });

  test("no token, an unknown profile or a bad timeout: exit 2 with what to change", async () => {
    const saved = process.env.SCIM_TOKEN;
    delete process.env.SCIM_TOKEN;
    try {
      expect(await cli("check", "https://scim.example.com/scim/v2")).toMatchObject({
        code: 2,
        err: expect.stringMatching(/No token/),
      });
    } finally {
      if (saved !== undefined) process.env.SCIM_TOKEN = saved;
    }
    expect(await cli("check", "https://x.example.com", "--token", "t", "--profile", "onelogin")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/Unknown profile "onelogin"; use okta or entra/),
    });
    expect(await cli("check", "https://x.example.com", "--token", "t", "--timeout", "soon")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--timeout: cannot read duration/),
    });
    expect((await cli("help", "check")).out).toMatch(/--insecure/);
  });
});
