/**
 * Shared set-up for the PostgreSQL suites: the database named by DATABASE_URL, one schema per
 * test file (random name, dropped afterwards). Without DATABASE_URL the suites are skipped;
 * `npm test` (scripts/test.js) lists what was skipped once, at the end, and CI (.ci/run) always
 * sets it, so CI never skips.
 */
import { randomBytes } from "node:crypto";
import { Pool } from "pg";
import { postgresStore, type PostgresStore } from "../../lib/stores/postgres";

export const DATABASE_URL = process.env.DATABASE_URL;

/** `describe`, or `describe.skip` when there is no database (jest reports it as skipped). */
export function describePostgres(name: string, fn: () => void): void {
  (DATABASE_URL ? describe : describe.skip)(name, fn);
}

/** A fresh schema, migrated, for one test file; `drop()` removes it with everything in it. */
export function testSchema(prefix = "scim_test") {
  const schema = `${prefix}_${randomBytes(6).toString("hex")}`;
  let pool: Pool | undefined;
  const getPool = () => (pool ??= new Pool({ connectionString: DATABASE_URL, max: 20 }));
  return {
    schema,
    pool: getPool,
    store: (): PostgresStore => postgresStore({ pool: getPool(), schema }),
    async migrate(): Promise<void> {
      await postgresStore({ pool: getPool(), schema }).migrate();
    },
    async drop(): Promise<void> {
      if (!pool) return;
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
      pool = undefined;
    },
  };
}
