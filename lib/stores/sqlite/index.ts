/**
 * `express-scim/sqlite`: the SQLite store, the embedded default: one file, no server, data that
 * survives restarts. `better-sqlite3` (version 12) is an optional peer dependency, loaded only by
 * this entry point.
 *
 *   const store = sqliteStore({ filename: "data/scim.db" });
 *   migrate(store);                  // or sqliteStore({ filename, migrate: true })
 *
 * better-sqlite3 is synchronous: operations run one at a time on one connection, each write in
 * its own BEGIN IMMEDIATE transaction. Several processes may share the file (WAL mode; writers
 * wait up to `busyTimeout` for each other).
 */
import type Database from "better-sqlite3";
import { sqlStore } from "../sql/core";
import { sqlAuditLog } from "../sql/audit";
import { sqlTokenRegistry } from "../sql/tokens";
import type { SqlStore } from "../sql/store";
import type { Conn, Driver, Op, Runner } from "../sql/driver";
import { latestVersion, schemaBehind } from "../sql/migrate";
import type { Params } from "../sql/params";
import { Lock } from "../memory/lock";
import { loadPeer } from "../sql/peer";
import { sqliteDialect } from "./dialect";
import { registerFunctions } from "./functions";
import { sqliteMigrations } from "./migrations";

export interface SqliteStoreOptions {
  /** A file path, or ":memory:" for a private in-memory database. */
  filename: string;
  /** Apply pending migrations when the store is created. For examples and tests; deploys call migrate(). */
  migrate?: boolean;
  /** Milliseconds a writer waits for another process's write lock. Default 5000. */
  busyTimeout?: number;
}

export type SqliteStore = SqlStore;
export type { SqlStore };

const STATEMENT_CACHE = 256;

export function sqliteStore(options: SqliteStoreOptions): SqliteStore {
  if (!options || typeof options.filename !== "string" || options.filename === "") {
    throw new TypeError('sqliteStore: pass { filename } (a file path, or ":memory:").');
  }
  const Driver = loadPeer<typeof Database>("better-sqlite3", 12, "sqliteStore", () => require("better-sqlite3"));
  const db = new Driver(options.filename);
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeout ?? 5000))}`);
  if (options.filename !== ":memory:") db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  registerFunctions(db);

  const dialect = sqliteDialect();
  const wanted = latestVersion(sqliteMigrations);
  const lock = new Lock();

  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
    }
    return statement;
  };
  // A statement runs on the event loop. Awaiting a turn of it before each one lets timers and
  // other requests run between a list's COUNT and its page, instead of after both (issue 13).
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const conn: Conn = {
    // Array.from: arrays made by the native addon belong to another realm under VM-based test
    // runners (jest), and deep equality checks prototypes.
    all: async (sql: string, p: Params) => {
      await turn();
      return Array.from(prepare(sql).all(p.bind()) as Record<string, unknown>[]);
    },
    run: async (sql: string, p: Params) => {
      await turn();
      return prepare(sql).run(p.bind()).changes;
    },
  };

  const versionNow = (): number => {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
    if (!table) return 0;
    return Number((db.prepare("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version").get() as { v: number }).v);
  };

  const migrateNow = (): number => {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)");
      let current = versionNow();
      for (const m of sqliteMigrations) {
        if (m.version <= current) continue;
        for (const statement of m.statements) db.exec(statement);
        db.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)").run(m.version, m.description, Date.now());
        current = m.version;
      }
      db.exec("COMMIT");
      return current;
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw error;
    }
  };
  if (options.migrate) migrateNow();

  let checked = false;
  const ensureReady = () => {
    if (checked) return;
    const found = versionNow();
    if (found < wanted) throw schemaBehind("sqliteStore", found, wanted);
    checked = true;
  };

  /** BEGIN IMMEDIATE takes the write lock up front, so two writers never deadlock on upgrade. */
  const atomically = async <T>(op: Op<T>): Promise<T> => {
    db.exec("BEGIN IMMEDIATE");
    try {
      const result = await op(conn);
      db.exec("COMMIT");
      return result;
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw error;
    }
  };

  const outside: Runner = {
    read: (op) =>
      lock.run(() => {
        ensureReady();
        return op(conn);
      }),
    write: (op) =>
      lock.run(() => {
        ensureReady();
        return atomically(op);
      }),
  };

  const driver: Driver = {
    dialect,
    outside,
    transaction: (fn) =>
      lock.run(async () => {
        ensureReady();
        // Operations inside run one at a time, each in a savepoint (a failed one undoes itself).
        const inner = new Lock();
        let savepoints = 0;
        const inside: Runner = {
          read: (op) => inner.run(() => op(conn)),
          write: (op) =>
            inner.run(async () => {
              const name = `sp${++savepoints}`;
              db.exec(`SAVEPOINT ${name}`);
              try {
                const result = await op(conn);
                db.exec(`RELEASE SAVEPOINT ${name}`);
                return result;
              } catch (error) {
                db.exec(`ROLLBACK TO SAVEPOINT ${name}`);
                db.exec(`RELEASE SAVEPOINT ${name}`);
                throw error;
              }
            }),
        };
        return atomically(() => fn(inside));
      }),
  };

  const store = sqlStore(driver, "sqliteStore") as SqliteStore;
  store.tokens = sqlTokenRegistry(driver);
  store.audit = sqlAuditLog(driver);
  store.migrate = () => lock.run(migrateNow);
  store.schemaVersion = () => lock.run(versionNow);
  store.ready = () => lock.run(async () => ensureReady());
  store.close = () =>
    lock.run(() => {
      if (db.open) db.close();
    });
  return store;
}

/** Applies pending migrations to a SQLite store's database; returns the version reached. */
export function migrate(store: SqliteStore): Promise<number> {
  return store.migrate();
}
