/**
 * Every request log keeps entries whole, newest first, filtered and paged alike, and summarises
 * them the same way: the memory ring and the SQL table (SQLite, PostgreSQL).
 */
import { memoryRequestLog, type RequestLog, type RequestLogEntry } from "../../lib/console";
import { requestRecorder } from "../../lib/request-log/options";
import { sqliteStore } from "../../lib/stores/sqlite";
import { describePostgres, testSchema } from "./postgres-helpers";

const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n));
const entry = (n: number, extra: Partial<RequestLogEntry> = {}): RequestLogEntry => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  at: at(n),
  tenant: "a",
  tokenId: "t1",
  tokenLabel: "okta-prod",
  idp: "Okta",
  method: "GET",
  path: `/Users/u${n}`,
  status: 200,
  durationMs: 2.5,
  resourceType: "Users",
  resourceId: `u${n}`,
  ...extra,
});

function logSuite(name: string, make: () => RequestLog) {
  describe(`request log: ${name}`, () => {
    test("entries come back whole, newest first, filtered and paged", async () => {
      const log = make();
      for (let n = 1; n <= 4; n++) await log.append(entry(n));
      await log.append(entry(5, { status: 409, requestBody: '{"userName":"x"}', tenant: "b", tokenId: "t2" }));
      await log.append(entry(6, { status: 503, idp: "Entra", tokenId: "t2", tokenLabel: "entra" }));
      const page = await log.list({ tenant: "a", startIndex: 2, count: 2 });
      expect(page.total).toBe(5);
      expect(page.items).toEqual([entry(4), entry(3)]);
      expect((await log.list({ statusClass: 4 })).items).toEqual([
        entry(5, { status: 409, requestBody: '{"userName":"x"}', tenant: "b", tokenId: "t2" }),
      ]);
      expect((await log.list({ tokenId: "t2" })).total).toBe(2);
      expect((await log.list({ resourceId: "u2" })).items.map((e) => e.id)).toEqual([entry(2).id]);
      expect(await log.get(entry(3).id)).toEqual(entry(3));
      expect(await log.get("nope")).toBeNull();
    });

    test("the summary counts by IdP and status class since an instant, and each token's last success", async () => {
      const log = make();
      for (let n = 1; n <= 3; n++) await log.append(entry(n));
      await log.append(entry(4, { status: 500 }));
      await log.append(entry(5, { idp: "Entra", tokenId: "t2", tokenLabel: "entra", status: 401 }));
      const summary = await log.summary(at(2));
      const counts = [...summary.counts].sort((x, y) => x.idp.localeCompare(y.idp) || x.statusClass - y.statusClass);
      expect(counts).toEqual([
        { idp: "Entra", statusClass: 4, count: 1 },
        { idp: "Okta", statusClass: 2, count: 2 },
        { idp: "Okta", statusClass: 5, count: 1 },
      ]);
      const tokens = [...summary.tokens].sort((x, y) => x.tokenId.localeCompare(y.tokenId));
      expect(tokens).toEqual([
        { tokenId: "t1", tokenLabel: "okta-prod", lastUsed: at(4), lastSuccess: at(3) },
        { tokenId: "t2", tokenLabel: "entra", lastUsed: at(5) },
      ]);
    });
  });
}

logSuite("memory", () => memoryRequestLog());
logSuite("sqlite", () => sqliteStore({ filename: ":memory:", migrate: true }).requestLog);

test("the memory ring keeps only the newest entries", async () => {
  const log = memoryRequestLog({ size: 2 });
  for (let n = 1; n <= 3; n++) await log.append(entry(n));
  expect((await log.list({})).items.map((e) => e.resourceId)).toEqual(["u3", "u2"]);
});

test("the SQL log deletes entries past the retention, and the recorder asks it to", async () => {
  const store = sqliteStore({ filename: ":memory:", migrate: true });
  for (let n = 1; n <= 3; n++) store.requestLog.append(entry(n));
  const recorder = requestRecorder({ log: store.requestLog, retention: 60 });
  recorder.prune(at(3));
  // Entry 1 (two minutes old) goes; entry 2 (exactly one minute old) stays.
  await store.requestLog.flush();
  const left = await store.requestLog.list({});
  expect(left.items.map((e) => e.resourceId)).toEqual(["u3", "u2"]);
  await store.close();
});

test("entries appended before close() are written, not lost", async () => {
  const file = require("node:path").join(require("node:os").tmpdir(), `scim-log-${process.pid}-${Date.now()}.db`);
  const store = sqliteStore({ filename: file, migrate: true });
  store.requestLog.append(entry(1));
  await store.close();
  const again = sqliteStore({ filename: file });
  expect((await again.requestLog.list({})).total).toBe(1);
  await again.close();
  require("node:fs").rmSync(file, { force: true });
});

describePostgres("PostgreSQL request log", () => {
  const db = testSchema("scim_reqlog");
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());
  // The summary reads the whole table: each test starts from an empty one.
  beforeEach(() => db.pool().query(`TRUNCATE "${db.schema}".request_log`));
  logSuite("postgres", () => db.store().requestLog);
});
