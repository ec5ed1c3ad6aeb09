/**
 * What docs/stores.md promises about several processes on one SQLite file: they may share it;
 * a write that finds the file locked by another process waits for it without freezing this
 * process (reads and the event loop carry on), and past `busyTimeout` answers 503 with
 * Retry-After, never 500. The other process is real: a child that takes the write lock and
 * holds it until told to let go (no timings).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sqliteStore, type SqliteStore } from "../../lib/stores/sqlite";
import { createUser, host } from "../http/app";
import { PATCH_OP } from "../helpers/fixtures";

const root = path.join(__dirname, "..", "..");

const HOLDER = `
const Database = require("better-sqlite3");
const db = new Database(process.argv[1]);
db.exec("BEGIN IMMEDIATE");
db.exec("INSERT INTO audit (tenant, at, record) VALUES ('other-process', 0, '{}')");
process.stdout.write("locked\\n");
process.stdin.once("data", () => {
  db.exec("COMMIT");
  db.close();
  process.stdout.write("released\\n");
});
`;

/** Another process holding the file's write lock until `release()`. */
async function holdWriteLock(filename: string): Promise<{ release: () => Promise<void>; child: ChildProcess }> {
  const child = spawn(process.execPath, ["-e", HOLDER, filename], { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
  const lines: string[] = [];
  const waiters: [string, () => void][] = [];
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    lines.push(...chunk.split("\n").filter(Boolean));
    for (const [line, resolve] of waiters) if (lines.includes(line)) resolve();
  });
  const said = (line: string) =>
    new Promise<void>((resolve) => (lines.includes(line) ? resolve() : waiters.push([line, resolve])));
  await said("locked");
  return {
    child,
    release: async () => {
      child.stdin!.write("go\n");
      await said("released");
    },
  };
}

describe("several processes on one SQLite file", () => {
  let dir: string;
  const stores: SqliteStore[] = [];
  const children: ChildProcess[] = [];
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "scim-sqlite-procs-"));
  });
  afterAll(async () => {
    for (const c of children) c.kill();
    for (const s of stores) await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const open = (name: string, busyTimeout: number) => {
    const store = sqliteStore({ filename: path.join(dir, name), migrate: true, busyTimeout });
    stores.push(store);
    return { store, h: host({ store, rateLimit: false }) };
  };
  const deactivate = { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: false } }] };

  test("a write waits for the other process's lock without blocking reads or the event loop", async () => {
    // Long enough that the old synchronous wait (SQLite's busy_timeout) would have frozen this
    // process for the whole test; here it is only the write's deadline.
    const { h } = open("wait.db", 20_000);
    const id = await createUser(h, "ada@example.com");
    const other = await holdWriteLock(path.join(dir, "wait.db"));
    children.push(other.child);
    let answered = false;
    const write = h.patch(`/Users/${id}`, deactivate).then((res) => {
      answered = true;
      return res;
    });
    // Served while the write waits: a read, on the same store, in this process.
    const read = await h.get(`/Users/${id}`);
    expect(read.status).toBe(200);
    expect(read.body.active).toBe(true);
    expect(answered).toBe(false);
    await other.release();
    const res = await write;
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
  }, 60_000);

  test("past busyTimeout the write answers 503 with Retry-After, and succeeds once the lock is gone", async () => {
    const { h, store } = open("busy.db", 50);
    const id = await createUser(h, "bob@example.com");
    const other = await holdWriteLock(path.join(dir, "busy.db"));
    children.push(other.child);
    const res = await h.patch(`/Users/${id}`, deactivate);
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toMatch(/^\d+$/);
    expect(res.body).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "503" });
    await h.get(`/Users/${id}`).expect(200);
    await other.release();
    await h.patch(`/Users/${id}`, deactivate).expect(200);
    // The other process's write landed too: the file is shared, not overwritten.
    expect((await store.audit.list({ tenant: "other-process" })).total).toBe(1);
  }, 60_000);
});
