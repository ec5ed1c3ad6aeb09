/** The PostgreSQL store's schema: which version a database holds, and bringing it up to date. */
import type { Migration } from "../sql/migrate";
import type { PgPoolLike } from "./pool";

export interface Migrator {
  /** The schema version in the database (0 before the first migration). */
  schemaVersion(): Promise<number>;
  /** Applies pending migrations in one transaction; returns the version reached. */
  migrate(): Promise<number>;
}

/** `S` is the quoted schema name; `schema` the name itself (the migrators' lock key). */
export function migrator(pool: PgPoolLike, schema: string, S: string, migrations: readonly Migration[]): Migrator {
  const schemaVersion = async (): Promise<number> => {
    const exists = await pool.query("SELECT to_regclass($1) AS t", [`${S}.schema_version`]);
    if (!exists.rows[0]?.t) return 0;
    const { rows } = await pool.query(`SELECT COALESCE(MAX(version), 0) AS v FROM ${S}.schema_version`);
    return Number(rows[0]?.v ?? 0);
  };

  const migrate = async (): Promise<number> => {
    const client = await pool.connect();
    try {
      // Not limited by the statement timeout of the store's own connections.
      await client.query("BEGIN; SET LOCAL statement_timeout = 0");
      // One migrator at a time per schema, whatever the number of processes starting up.
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`express-scim:${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${S}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${S}.schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await client.query(`SELECT COALESCE(MAX(version), 0) AS v FROM ${S}.schema_version`);
      let current = Number(rows[0]?.v ?? 0);
      for (const m of migrations) {
        if (m.version <= current) continue;
        for (const statement of m.statements) await client.query(statement);
        await client.query(`INSERT INTO ${S}.schema_version (version, description) VALUES ($1, $2)`, [
          m.version,
          m.description,
        ]);
        current = m.version;
      }
      await client.query("COMMIT");
      return current;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  return { schemaVersion, migrate };
}
