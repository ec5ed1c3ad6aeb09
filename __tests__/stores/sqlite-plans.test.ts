/**
 * Query plans of the SQLite store over a directory seeded in bulk (issue 17): every read in
 * plan-shapes.ts searches an index rather than scanning the users or groups table, and deleting
 * a user finds its memberships through both membership indexes. Statistics come from the store
 * itself (PRAGMA optimize when it opens), not from the test.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { sqliteStore, type SqliteStore } from "../../lib/stores/sqlite";
import { registerFunctions } from "../../lib/stores/sqlite/functions";
import { EPOCH, GROUPS, SHAPES, USERS } from "./plan-shapes";

const tenant = "plans";
const dir = mkdtempSync(join(tmpdir(), "scim-plans-"));
const filename = join(dir, "scim.db");
let db: Database.Database;
let store: SqliteStore;
/** The store's own connection, whose statistics its plans follow. */
let storeDb: Database.Database | undefined;
const seen: { sql: string; params: unknown }[] = [];

/** Every statement the store runs, with its parameters (the test's own connection aside). */
function watchStatements(): void {
  const prepare = Database.prototype.prepare;
  jest.spyOn(Database.prototype, "prepare").mockImplementation(function (this: Database.Database, sql: string) {
    const statement = prepare.call(this, sql);
    if (this === db || sql.startsWith("EXPLAIN ")) return statement;
    storeDb = this;
    for (const method of ["all", "run", "get"] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => never;
      Object.assign(statement, {
        [method]: (...args: unknown[]) => {
          seen.push({ sql, params: args[0] });
          return original(...args);
        },
      });
    }
    return statement;
  } as typeof prepare);
}

function plan(statement: { sql: string; params: unknown }): string[] {
  const explain = storeDb!.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`);
  const rows = (statement.params === undefined ? explain.all() : explain.all(statement.params)) as { detail: string }[];
  return rows.map((r) => r.detail);
}

beforeAll(async () => {
  await sqliteStore({ filename, migrate: true }).close();
  db = new Database(filename);
  registerFunctions(db);
  db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${USERS})
    INSERT INTO users (tenant, id, version, created, last_modified, record, user_name, user_name_fold, external_id, display)
    SELECT '${tenant}', 'u' || i, 1, ${EPOCH}, ${EPOCH} + i * 1000,
      json_object('userName', 'user' || i, 'externalId', 'ext' || i, 'emails', json_array(json_object('value', 'user' || i || '@example.com'))),
      'user' || i, 'user' || i, 'ext' || i, 'user' || i FROM n`);
  db.exec(`WITH RECURSIVE n(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM n WHERE j < ${GROUPS})
    INSERT INTO groups (tenant, id, version, created, last_modified, record, display_name, display_name_fold, display)
    SELECT '${tenant}', 'g' || j, 1, ${EPOCH}, ${EPOCH}, json_object('displayName', 'group' || j), 'group' || j, 'group' || j, 'group' || j FROM n`);
  db.exec(`INSERT INTO memberships (tenant, group_id, member_id, member_type)
    SELECT tenant, 'g' || ((CAST(substr(id, 2) AS INTEGER) % ${GROUPS}) + 1), id, 'User' FROM users`);
  watchStatements();
  store = sqliteStore({ filename });
});

afterAll(async () => {
  await store?.close();
  db?.close();
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe("sqlite store: plans at directory scale", () => {
  test.each(SHAPES.map((s) => [s.name, s] as const))("%s searches an index and answers right", async (_, shape) => {
    seen.length = 0;
    const page = await store[shape.kind].query({ tenant }, shape.query);
    expect(page.items.map((s) => s.id).slice(0, shape.first.length)).toEqual(shape.first);
    // A full list's count is read from tenant_counts (SQLite migration 9, PostgreSQL 10), not counted.
    const selects = seen.filter(
      (s) => /^SELECT .* FROM "(users|groups)" t /.test(s.sql) && (shape.query.filter || /LIMIT/.test(s.sql)),
    );
    expect(selects.length).toBeGreaterThan(0);
    for (const select of selects) {
      const steps = plan(select);
      // Every index starts with the tenant: searching by the tenant alone reads all of it. Only a
      // full list may do that, along the index that holds its order (seq unsorted), stopping at the page's end.
      const reads = (d: string) =>
        /^SCAN (t|users|groups)\b/.test(d) ||
        (/^SEARCH t .*\(tenant=\?\)$/.test(d) && !(!shape.query.filter && /_(order|last_modified|seq) /.test(d)));
      expect({ sql: select.sql, reads: steps.filter(reads) }).toEqual({ sql: select.sql, reads: [] });
      // An index holds the order: at most the ties of a descending sort are sorted again (by seq).
      if (!shape.query.filter) expect(steps.filter((d) => /TEMP B-TREE FOR ORDER BY/.test(d))).toEqual([]);
    }
  });

  test("deleting a user finds its memberships by member, not by reading the tenant's", async () => {
    seen.length = 0;
    await store.users.delete({ tenant }, "u17");
    const deletes = seen.filter((s) => /^DELETE FROM "memberships"/.test(s.sql));
    expect(deletes).toHaveLength(1);
    const steps = plan(deletes[0]!);
    expect(steps.join("\n")).toContain("memberships_member (tenant=? AND member_id=?)");
    expect(steps.filter((d) => /\(tenant=\?\)$/.test(d) || /^SCAN/.test(d))).toEqual([]);
    const emails = await store.users.query(
      { tenant },
      {
        filter: {
          op: "eq",
          attrPath: { path: ["emails", "value"], type: "string", caseExact: false, multiValued: true },
          compValue: "user17@example.com",
        },
        startIndex: 1,
        count: 5,
      },
    );
    expect(emails.total).toBe(0);
  });
});

describe("sqlite store: the work budget knows its indexes", () => {
  test("emails.value eq and members.value eq are lookups an index narrows; a substring is not", async () => {
    const { priceFilter } = await import("../../lib/service/budget");
    const eq = (path: string[], caseExact: boolean) => ({
      op: "eq" as const,
      attrPath: { path, type: "string" as const, caseExact, multiValued: true },
      compValue: "x",
    });
    expect(priceFilter(eq(["emails", "value"], false), store.costs!.indexed("users")).narrowed).toBe(true);
    expect(priceFilter(eq(["members", "value"], true), store.costs!.indexed("groups")).narrowed).toBe(true);
    const co = { ...eq(["emails", "value"], false), op: "co" as const };
    expect(priceFilter(co, store.costs!.indexed("users")).narrowed).toBe(false);
  });

  test('sw on a prefix-indexed attribute is narrowed by the index (any directory size); sw "" and title sw are not', async () => {
    const { priceFilter } = await import("../../lib/service/budget");
    const sw = (path: string[], compValue: string, caseExact = false) => ({
      op: "sw" as const,
      attrPath: { path, type: "string" as const, caseExact, multiValued: false },
      compValue,
    });
    const users = store.costs!.indexed("users");
    expect(priceFilter(sw(["userName"], "user12"), users).narrowed).toBe(true);
    expect(priceFilter(sw(["externalId"], "ext1", true), users).narrowed).toBe(true);
    expect(priceFilter(sw(["displayName"], "group1"), store.costs!.indexed("groups")).narrowed).toBe(true);
    expect(priceFilter(sw(["userName"], ""), users).narrowed).toBe(false);
    expect(priceFilter(sw(["title"], "x"), users).narrowed).toBe(false);
    expect(priceFilter(sw(["emails", "value"], "user1"), users).narrowed).toBe(false);
  });

  test("a users' meta.lastModified range is narrowed by its index (sync tools ask what changed since); title gt is not", async () => {
    const { priceFilter } = await import("../../lib/service/budget");
    const cmp = (op: "gt" | "le" | "co", path: string[], type: "dateTime" | "string") => ({
      op,
      attrPath: { path, type, caseExact: false, multiValued: false },
      compValue: "2024-01-12T13:45:00.000Z",
    });
    const users = store.costs!.indexed("users");
    expect(priceFilter(cmp("gt", ["meta", "lastModified"], "dateTime"), users).narrowed).toBe(true);
    expect(priceFilter(cmp("le", ["meta", "lastModified"], "dateTime"), users).narrowed).toBe(true);
    expect(priceFilter(cmp("co", ["meta", "lastModified"], "dateTime"), users).narrowed).toBe(false);
    expect(priceFilter(cmp("gt", ["title"], "string"), users).narrowed).toBe(false);
    // Groups' lastModified has no index: every member change moves it.
    expect(priceFilter(cmp("gt", ["meta", "lastModified"], "dateTime"), store.costs!.indexed("groups")).narrowed).toBe(
      false,
    );
  });

  test("a page sorted along an index costs the page, whatever the directory's size; another sort is priced", async () => {
    const { checkBudget } = await import("../../lib/service/budget");
    const sort = (path: string[]) => ({
      sort: {
        path,
        type: path[0] === "meta" ? ("dateTime" as const) : ("string" as const),
        multiValued: false,
        caseExact: false,
        descending: true,
      },
    });
    const budget = 100_000; // below one sort key for each of 60,000 users
    for (const indexed of [["userName"], ["meta", "lastModified"]])
      await expect(checkBudget(store, "users", { tenant }, sort(indexed), budget, "User")).resolves.toBeUndefined();
    await expect(checkBudget(store, "groups", { tenant }, sort(["displayName"]), 1, "Group")).resolves.toBeUndefined();
    await expect(checkBudget(store, "users", { tenant }, sort(["title"]), budget, "User")).rejects.toMatchObject({
      status: 400,
      scimType: "tooMany",
    });
  });
});
