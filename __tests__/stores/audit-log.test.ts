/** Every audit log keeps records whole, newest first, per tenant, paged: memory and SQL alike. */
import { memoryAuditLog, type AuditLog, type AuditRecord } from "../../lib";
import { sqliteStore } from "../../lib/stores/sqlite";
import { describePostgres, testSchema } from "./postgres-helpers";
import { createUser, host } from "../http/app";

const record = (n: number, tenant: string): AuditRecord => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
  tenant,
  actor: "okta",
  method: "PATCH",
  resource: "Users",
  id: `user-${n}`,
  status: 200,
  outcome: "success",
  changed: ["active"],
  durationMs: 1.5,
});

function auditSuite(name: string, make: () => AuditLog) {
  describe(`audit log: ${name}`, () => {
    test("records come back whole, newest first, per tenant, paged", async () => {
      const log = make();
      for (let n = 1; n <= 5; n++) await log.append(record(n, "a"));
      await log.append(record(6, "b"));
      const page = await log.list({ tenant: "a", startIndex: 2, count: 2 });
      expect(page.total).toBe(5);
      expect(page.items).toEqual([record(4, "a"), record(3, "a")]);
      expect((await log.list({})).total).toBe(6);
      expect((await log.list({ tenant: "c" })).items).toEqual([]);
    });
  });
}

auditSuite("memory", () => memoryAuditLog());
auditSuite("sqlite", () => sqliteStore({ filename: ":memory:", migrate: true }).audit);

test("the memory ring keeps only the newest records", async () => {
  const log = memoryAuditLog({ size: 3 });
  for (let n = 1; n <= 5; n++) await log.append(record(n, "a"));
  expect((await log.list({})).items.map((r) => r.id)).toEqual(["user-5", "user-4", "user-3"]);
});

test("a router writes its audit trail into the SQLite store", async () => {
  const store = sqliteStore({ filename: ":memory:", migrate: true });
  // The record is written once the response is out: wait for that write, not for a time.
  let written!: () => void;
  const appended = new Promise<void>((resolve) => (written = resolve));
  const audit: AuditLog = {
    list: (q) => store.audit.list(q),
    append: async (r) => {
      await store.audit.append(r);
      written();
    },
  };
  const h = host({ store, audit });
  await createUser(h, "audited@example.com");
  await appended;
  const { items } = await store.audit.list({ tenant: "default" });
  expect(items[0]).toMatchObject({ method: "POST", resource: "Users", status: 201, outcome: "success" });
  await store.close();
});

describePostgres("PostgreSQL audit log", () => {
  const db = testSchema("scim_audit");
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());
  auditSuite("postgres", () => db.store().audit);
});
