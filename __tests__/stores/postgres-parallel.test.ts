/**
 * Sorting with parallel plans (issue 17): PostgreSQL runs PARALLEL SAFE functions in parallel
 * workers, where a plpgsql EXCEPTION block (a subtransaction) is an error. Directories of 100,000
 * users got such plans for sortBy; here the planner is pushed to them on a small table.
 */
import { Pool } from "pg";
import { postgresStore } from "../../lib/stores/postgres";
import { DATABASE_URL, describePostgres, testSchema } from "./postgres-helpers";

const db = testSchema();
const PARALLEL = [
  "force_parallel_mode=on",
  "parallel_setup_cost=0",
  "parallel_tuple_cost=0",
  "min_parallel_table_scan_size=0",
  "max_parallel_workers_per_gather=2",
]
  .map((setting) => `-c ${setting}`)
  .join(" ");

describePostgres("postgres store: parallel plans", () => {
  let pool: Pool;
  beforeAll(async () => {
    await db.migrate();
    pool = new Pool({ connectionString: DATABASE_URL, options: PARALLEL, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  test("sortBy userName and meta.lastModified answer in order under a parallel plan", async () => {
    const tenant = "parallel";
    // Names that read as instants sort before the others (compareRecords), so the sort calls scim_instant.
    await pool.query(
      `INSERT INTO "${db.schema}".users (tenant, id, version, created, last_modified, record, user_name, user_name_fold)
       SELECT $1, 'u' || g, 1, now(), now() - g * interval '1 second', jsonb_build_object('userName', n), n, lower(n)
       FROM generate_series(1, 2000) g, LATERAL (SELECT CASE WHEN g % 100 = 0 THEN '2020-01-01T00:00:' || lpad((g / 100)::text, 2, '0') || 'Z' ELSE 'User' || lpad(g::text, 5, '0') END AS n) x`,
      [tenant],
    );
    await pool.query(`ANALYZE "${db.schema}".users`);
    const store = postgresStore({ pool, schema: db.schema, statementTimeout: 0 });
    const sorted = (caseExact: boolean) =>
      store.users.query(
        { tenant },
        {
          sort: { path: ["userName"], type: "string", caseExact, multiValued: false, descending: false },
          startIndex: 1,
          count: 25,
        },
      );
    // caseExact: no index holds that order, so every row's key is computed, in the workers.
    const page = await sorted(true);
    expect((await sorted(false)).items).toEqual(page.items);
    expect(page.items.map((s) => s.record.userName)).toEqual([
      ...Array.from({ length: 20 }, (_, i) => `2020-01-01T00:00:${String(i + 1).padStart(2, "0")}Z`),
      "User00001",
      "User00002",
      "User00003",
      "User00004",
      "User00005",
    ]);
    const changed = await store.users.query(
      { tenant },
      {
        sort: {
          path: ["meta", "lastModified"],
          type: "dateTime",
          caseExact: false,
          multiValued: false,
          descending: true,
        },
        startIndex: 1,
        count: 3,
      },
    );
    expect(changed.items.map((s) => s.id)).toEqual(["u1", "u2", "u3"]);
  });
});
