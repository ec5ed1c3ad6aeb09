/**
 * The outbox's promises, proven with real processes (issue 18): a server killed with SIGKILL
 * between commit and delivery loses no committed event (the next one delivers it once the dead
 * one's lease expires), on SQLite and PostgreSQL; and two servers on one PostgreSQL database
 * deliver every event of 1,000 writes, never the same one twice at the same time.
 *
 * Each child runs scim() from dist/ (as users load it) with an `events` listener that appends
 * "start <id> <pid>" and "end <id> <pid>" lines to a shared file; O_APPEND keeps the lines of two
 * processes whole and in the order they happened.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DATABASE_URL, describePostgres, testSchema } from "../stores/postgres-helpers";

const root = path.join(__dirname, "..", "..");
const TOKEN = "outbox-process-token-0123456789";

const SERVER = `
const fs = require("node:fs");
const express = require("express");
const { scim, ALL_SCOPES } = require(${JSON.stringify(path.join(root, "dist", "cjs"))});
const store = process.env.SCIM_SCHEMA
  ? require(${JSON.stringify(path.join(root, "dist", "cjs", "stores", "postgres"))}).postgresStore({ connectionString: process.env.DATABASE_URL, schema: process.env.SCIM_SCHEMA })
  : require(${JSON.stringify(path.join(root, "dist", "cjs", "stores", "sqlite"))}).sqliteStore({ filename: process.env.SCIM_FILE, migrate: true });
// The file is the record; the stdout line tells the test to look at it again.
const log = (line) => { fs.appendFileSync(process.env.EVENT_LOG, line + "\\n"); process.stdout.write(line + "\\n"); };
const app = express();
app.use("/scim/v2", scim({
  store,
  tokens: [{ token: process.env.SCIM_TOKEN, scopes: [...ALL_SCOPES] }],
  rateLimit: false,
  logger: { error: () => {} },
  events: {
    "user.created": async (e) => {
      log("start " + e.id + " " + process.pid);
      // HANG: the listener never finishes, so the kill lands between commit and delivery.
      if (process.env.HANG === "1") return new Promise(() => {});
      // A turn of the loop between start and end, so two deliveries of one event could interleave.
      await new Promise((r) => setImmediate(r));
      log("end " + e.id + " " + process.pid);
    },
  },
  delivery: { lease: 2, pollMs: 200 },
}));
const server = app.listen(0, "127.0.0.1", () => process.stdout.write(JSON.stringify({ port: server.address().port }) + "\\n"));
`;

interface Server {
  child: ChildProcess;
  base: string;
}

const children: ChildProcess[] = [];
/** Emits "line" for each event-log line any server prints after its port. */
const printed = new EventEmitter();

function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ["-e", SERVER], {
    cwd: root,
    env: { ...process.env, SCIM_TOKEN: TOKEN, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let listening = false;
    child.stdout!.on("data", (chunk) => {
      // After the port line, every chunk is event-log lines: a signal to look at the file again.
      if (listening) return void printed.emit("line");
      out += chunk;
      const end = out.indexOf("\n");
      if (end < 0) return;
      listening = true;
      resolve({ child, base: `http://127.0.0.1:${JSON.parse(out.slice(0, end)).port}/scim/v2` });
      if (out.length > end + 1) printed.emit("line");
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function kill9(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGKILL");
  await exited;
}

async function createUser(base: string, userName: string): Promise<string> {
  const res = await fetch(`${base}/Users`, {
    method: "POST",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/scim+json" },
    body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName }),
  });
  const body = (await res.json()) as { id: string };
  if (res.status !== 201) throw new Error(`POST /Users answered ${res.status}: ${JSON.stringify(body)}`);
  return body.id;
}

/** The log's lines as [what, id, pid]. */
const lines = (file: string) =>
  (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "")
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(" ") as [string, string, string]);

/**
 * Resolves once `ok` holds, checked again each time a server logs a line (the file is written
 * before the line is printed). No deadline of its own: the test's timeout is the only one.
 */
function until(ok: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!ok()) return;
      printed.off("line", check);
      resolve();
    };
    printed.on("line", check);
    check();
  });
}

const delivered = (file: string) =>
  new Set(
    lines(file)
      .filter(([w]) => w === "end")
      .map(([, id]) => id),
  );

beforeAll(() => {
  if (!fs.existsSync(path.join(root, "dist", "cjs", "delivery", "loop.js")))
    throw new Error("Run `npm run build` first: the servers load dist/ as users do.");
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

/** Five users created; the server is killed mid-delivery; a new one delivers all five. */
async function killBetweenCommitAndDelivery(env: Record<string, string>, log: string): Promise<void> {
  const first = await startServer({ ...env, EVENT_LOG: log, HANG: "1" });
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await createUser(first.base, `k${i}@example.com`));
  // Every write answered 201 (committed); its listener has started and will never finish.
  await until(() => lines(log).filter(([w]) => w === "start").length === 5);
  await kill9(first);
  expect(delivered(log).size).toBe(0);
  const second = await startServer({ ...env, EVENT_LOG: log, HANG: "0" });
  await until(() => ids.every((id) => delivered(log).has(id)));
  await kill9(second);
}

describe("kill -9 between commit and delivery", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scim-outbox-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("SQLite: every committed event is delivered after a restart", async () => {
    await killBetweenCommitAndDelivery({ SCIM_FILE: path.join(dir, "scim.db") }, path.join(dir, "sqlite.log"));
  }, 120_000);
});

describePostgres("the outbox on PostgreSQL, across processes", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scim-outbox-pg-"));
  // A schema per test: the kill test's last event may be delivered but not yet settled when its
  // server is killed, and a later server on the same schema rightly delivers it again.
  const db = testSchema("scim_outbox");
  const shared = testSchema("scim_outbox_two");
  const env = (schema = db.schema) => ({ DATABASE_URL: DATABASE_URL!, SCIM_SCHEMA: schema });
  beforeAll(() => Promise.all([db.migrate(), shared.migrate()]));
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await db.drop();
    await shared.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("kill -9: every committed event is delivered after a restart", async () => {
    await killBetweenCommitAndDelivery(env(), path.join(dir, "kill.log"));
  }, 120_000);

  test("two servers, 1,000 writes: every event delivered, never twice at the same time", async () => {
    const log = path.join(dir, "two.log");
    const servers = await Promise.all([
      startServer({ ...env(shared.schema), EVENT_LOG: log }),
      startServer({ ...env(shared.schema), EVENT_LOG: log }),
    ]);
    const tag = randomBytes(4).toString("hex");
    const ids: string[] = [];
    const next = { i: 0 };
    // Ten clients at a time, alternating servers.
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next.i < 1000) {
          const i = next.i++;
          ids.push(await createUser(servers[i % 2]!.base, `two-${tag}-${i}@example.com`));
        }
      }),
    );
    // Every one of these writes' events, each of them: no count that another event could fill.
    await until(() => {
      const all = delivered(log);
      return ids.every((id) => all.has(id));
    });
    expect(new Set(ids).size).toBe(1000);
    // Per event, the log alternates start, end: a second start before an end is a concurrent delivery.
    const open = new Map<string, string>();
    const overlapping: string[] = [];
    for (const [what, id, pid] of lines(log)) {
      if (what === "start") {
        if (open.has(id)) overlapping.push(`${id}: ${open.get(id)} and ${pid}`);
        open.set(id, pid);
      } else open.delete(id);
    }
    expect(overlapping).toEqual([]);
    // Both instances took part: the work was shared, not serialised on one of them.
    const pids = new Set(lines(log).map(([, , pid]) => pid));
    expect(pids.size).toBe(2);
    for (const s of servers) await kill9(s);
  }, 300_000);
});
