/** The SQLite store's schema: which version a database holds, and bringing it up to date. */
import type Database from "better-sqlite3";
import type { Migration } from "../sql/migrate";

export function migrator(db: Database.Database, migrations: readonly Migration[]) {
  const versionNow = (): number => {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
    if (!table) return 0;
    return Number((db.prepare("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version").get() as { v: number }).v);
  };

  /** Applies pending migrations in one transaction; returns the version reached. */
  const migrateNow = (): number => {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)",
      );
      let current = versionNow();
      for (const m of migrations) {
        if (m.version <= current) continue;
        for (const statement of m.statements) db.exec(statement);
        db.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)").run(
          m.version,
          m.description,
          Date.now(),
        );
        current = m.version;
      }
      db.exec("COMMIT");
      return current;
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw error;
    }
  };
  return { versionNow, migrateNow };
}
