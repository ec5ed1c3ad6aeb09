// Issue 14: PostgreSQL folds case with scim_fold (migration 5: the database's lower() with the few
// characters where it differs from lib/values/fold.ts mapped first). Its cost shows on filters
// that read every row: `title co "x"` over BENCH_FOLD_USERS users (default 20,000) of a tenant
// whose titles are ASCII, then of one whose titles are accented Latin and Greek; the ratio is
// accented / ASCII. `userName eq` reads the indexed,
// JavaScript-folded column and is given for comparison.

const { randomBytes } = require("node:crypto");
const { timeEach } = require("./sql-util");

const USERS = Number(process.env.BENCH_FOLD_USERS || 20_000);
const RUNS = Number(process.env.BENCH_FOLD_RUNS || 20);
const DATABASE_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

const filterOf = (path, op, value) => ({
  op,
  attrPath: { path, type: "string", caseExact: false, multiValued: false },
  compValue: value,
});

module.exports = async function sqlFold() {
  const { Pool } = require("pg");
  const { postgresStore } = require("../dist/cjs/stores/postgres");
  const schema = `scim_bench_${randomBytes(4).toString("hex")}`;
  const pool = new Pool({ connectionString: DATABASE_URL, max: 4 });
  const store = postgresStore({ pool, schema });
  await store.migrate();
  try {
    for (const [tenant, title] of [
      ["ascii", "'Senior Engineer ' || g"],
      ["accented", "'Ingénieur Supérieur ŁÓDŹ Ελλάδα ' || g"],
    ]) {
      await pool.query(
        `INSERT INTO "${schema}".users (tenant, id, version, created, last_modified, record, user_name, user_name_fold, display)
         SELECT $1, gen_random_uuid()::text, 1, now(), now(), jsonb_build_object('userName', 'u' || g, 'title', ${title}), 'u' || g, 'u' || g, 'u' || g
         FROM generate_series(1, $2::int) g`,
        [tenant, USERS],
      );
    }
    await pool.query(`ANALYZE "${schema}".users`);
    const run = (tenant, filter) =>
      timeEach(RUNS, () => store.users.query({ tenant }, { filter, startIndex: 1, count: 10 }));
    const ascii = await run("ascii", filterOf(["title"], "co", "ENGINEER 7"));
    const accented = await run("accented", filterOf(["title"], "co", "ŁÓDŹ ΕΛΛΆΔΑ 7"));
    const indexed = await run("accented", filterOf(["userName"], "eq", "U777"));
    const count = USERS.toLocaleString("en");
    return [
      {
        name: `postgres: title co over ${count} users, ASCII titles`,
        value: ascii.median,
        unit: "ms",
        spread: `p99 ${ascii.p99.toFixed(2)}`,
      },
      {
        name: `postgres: title co over ${count} users, accented Latin and Greek titles`,
        value: accented.median,
        unit: "ms",
        spread: `p99 ${accented.p99.toFixed(2)}`,
        ratio: accented.median / ascii.median,
      },
      {
        name: "postgres: userName eq (indexed, folded in JavaScript)",
        value: indexed.median,
        unit: "ms",
        spread: `p99 ${indexed.p99.toFixed(2)}`,
      },
    ];
  } finally {
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    await pool.end();
  }
};
