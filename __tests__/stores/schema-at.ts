/**
 * A database as an older release left it: the store's own migrations up to `version` applied by
 * hand, with their schema_version rows, so an upgrade test can write the rows the old code wrote
 * and then migrate.
 */
import Database from "better-sqlite3";
import { postgresMigrations } from "../../lib/stores/postgres/migrations";
import { registerFunctions } from "../../lib/stores/sqlite/functions";
import { sqliteMigrations } from "../../lib/stores/sqlite/migrations";

/** A SQLite file at `version`, open (with the functions its triggers call): close it before a store opens the file. */
export function sqliteAt(filename: string, version: number): Database.Database {
  const db = new Database(filename);
  registerFunctions(db);
  db.exec(
    "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)",
  );
  for (const m of sqliteMigrations.filter((m) => m.version <= version)) {
    for (const statement of m.statements) db.exec(statement);
    db.prepare("INSERT INTO schema_version VALUES (?, ?, 0)").run(m.version, m.description);
  }
  return db;
}

/** Creates `schema` at `version` on PostgreSQL; answers its quoted name for the statements that follow. */
export async function postgresAt(
  pool: { query(text: string, values?: unknown[]): Promise<unknown> },
  schema: string,
  version: number,
): Promise<string> {
  const S = `"${schema}"`;
  await pool.query(`CREATE SCHEMA ${S}`);
  await pool.query(
    `CREATE TABLE ${S}.schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  for (const m of postgresMigrations(S).filter((m) => m.version <= version)) {
    for (const statement of m.statements) await pool.query(statement);
    await pool.query(`INSERT INTO ${S}.schema_version (version, description) VALUES ($1, $2)`, [
      m.version,
      m.description,
    ]);
  }
  return S;
}
