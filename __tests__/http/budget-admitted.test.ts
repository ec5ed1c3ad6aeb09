/**
 * better-sqlite3 runs a statement on the event loop: while it scans, nothing else in the process
 * runs (issue 13: 8.6 s frozen by one request). The work budget is what bounds that. Here the
 * costliest filter the default budget admits runs over a bulk-seeded SQLite directory: it is
 * admitted and answered, and one term more is refused. How long it holds the event loop is a
 * speed, so it is measured by `npm run bench` (bench/budget.js), never asserted in a test.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { DEFAULT_LIMITS } from "../../lib";
import { MIN_RECORDS, WEIGHTS } from "../../lib/service/budget";
import { sqliteStore, type SqliteStore } from "../../lib/stores/sqlite";
import { registerFunctions } from "../../lib/stores/sqlite/functions";
import { host, type TestHost } from "./app";
import { expectScimError } from "../helpers/fixtures";

const USERS = MIN_RECORDS;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scim-budget-"));
const filename = path.join(dir, "budget.db");
let store: SqliteStore;
let h: TestHost;

beforeAll(() => {
  store = sqliteStore({ filename, migrate: true });
  // Seeded in bulk beside the store, in one transaction: the scan, not the loading, is under test.
  const db = new Database(filename);
  registerFunctions(db); // the users table's triggers and sort-key index call them
  const insert = db.prepare(
    "INSERT INTO users (tenant, id, version, created, last_modified, record, user_name, user_name_fold, external_id, display) VALUES ('default', ?, 1, ?, ?, ?, ?, ?, ?, ?)",
  );
  db.transaction(() => {
    const now = Date.now();
    for (let i = 0; i < USERS; i++) {
      const userName = `user${i}@example.com`;
      const record = {
        userName,
        externalId: `ext-${i}`,
        displayName: `User ${i}`,
        active: true,
        name: { givenName: `G${i}`, familyName: `F${i}` },
        emails: [
          { value: userName, type: "work", primary: true },
          { value: `u${i}@home.example`, type: "home" },
        ],
      };
      insert.run(
        randomUUID(),
        now,
        now,
        JSON.stringify(record),
        userName,
        userName,
        record.externalId,
        record.displayName,
      );
    }
  })();
  db.close();
  h = host({ store });
});

afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The most `emails.value co` terms the default budget admits over this directory. */
const admitted = Math.floor(
  (DEFAULT_LIMITS.queryBudget / USERS - WEIGHTS.record) / (WEIGHTS.expansion + WEIGHTS.substring),
);
const emailsCo = (n: number) => Array.from({ length: n }, (_, i) => `emails.value co "zz${i}"`).join(" or ");

test("the costliest admitted filter is the limit: one term more is refused", async () => {
  expect(admitted).toBeGreaterThan(0);
  expectScimError(await h.get(`/Users?filter=${encodeURIComponent(emailsCo(admitted + 1))}`), 400, "tooMany");
});

test("the costliest admitted filter over a bulk-seeded SQLite directory answers (the loop delay it costs is in npm run bench)", async () => {
  const res = await h.get(`/Users?filter=${encodeURIComponent(emailsCo(admitted))}`);
  expect(res.status).toBe(200);
  expect(res.body.totalResults).toBe(0);
});
