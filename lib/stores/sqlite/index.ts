/**
 * `express-scim/sqlite`: the SQLite store, the embedded default: one file, no server, data that
 * survives restarts. `better-sqlite3` (version 12) is an optional peer dependency, loaded only by
 * this entry point.
 *
 *   const store = sqliteStore({ filename: "data/scim.db" });
 *   migrate(store);                  // or sqliteStore({ filename, migrate: true })
 *
 * better-sqlite3 is synchronous: operations run one at a time on one connection, each write in
 * its own BEGIN IMMEDIATE transaction. Several processes on one machine may share the file (WAL
 * mode): a write that finds the file locked by another process is retried asynchronously for up
 * to `busyTimeout` ms, then answered 503 with Retry-After.
 */
import type Database from "better-sqlite3";
import { sqlStore } from "../sql/core";
import { sqlAuditLog } from "../sql/audit";
import { sqlTokenRegistry } from "../sql/tokens";
import type { SqlStore } from "../sql/store";
import type { Conn, Driver } from "../sql/driver";
import { latestVersion, schemaBehind } from "../sql/migrate";
import type { Params } from "../sql/params";
import { Lock } from "../memory/lock";
import { loadPeer } from "../sql/peer";
import type { Transience } from "../sql/retry";
import { transactions, type Session } from "../sql/transactions";
import { sqliteDialect } from "./dialect";
import { registerFunctions } from "./functions";
import { sqliteMigrations } from "./migrations";

export interface SqliteStoreOptions {
  /** A file path, or ":memory:" for a private in-memory database. */
  filename: string;
  /** Apply pending migrations when the store is created. For examples and tests; deploys call migrate(). */
  migrate?: boolean;
  /**
   * Milliseconds a write keeps retrying (asynchronously, with backoff) while another process
   * holds the write lock; then the request answers 503 with Retry-After. Default 5000.
   */
  busyTimeout?: number;
}

export type SqliteStore = SqlStore;
export type { SqlStore };

const STATEMENT_CACHE = 256;
/**
 * Write transactions between two `PRAGMA optimize`. Plans depend on statistics: without them,
 * deleting a user read every membership of its tenant (issue 17). optimize analyzes only the
 * tables that need it (never analyzed, or grown or shrunk many times over since), and
 * analysis_limit bounds the work, so running it often is cheap.
 */
const OPTIMIZE_EVERY = 1000;
const ANALYSIS_LIMIT = 1000;

/** SQLITE_BUSY (and its extended codes): another connection holds the lock; worth waiting for. */
function transience(error: unknown): Transience {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY") ? "retry" : undefined;
}

export function sqliteStore(options: SqliteStoreOptions): SqliteStore {
  if (!options || typeof options.filename !== "string" || options.filename === "") {
    throw new TypeError('sqliteStore: pass { filename } (a file path, or ":memory:").');
  }
  const busyTimeout = options.busyTimeout ?? 5000;
  if (typeof busyTimeout !== "number" || !(busyTimeout >= 0))
    throw new TypeError("sqliteStore: busyTimeout must be a number of milliseconds (0 or more).");
  const Sqlite = loadPeer<typeof Database>("better-sqlite3", 12, "sqliteStore", () => require("better-sqlite3"));
  const db = new Sqlite(options.filename);
  // better-sqlite3 is synchronous: SQLite's own busy wait would freeze the event loop. Set-up
  // (opening, WAL, migrations) may wait synchronously; requests never do (busy_timeout 0 below,
  // and the waiting is done between attempts, asynchronously, in ../sql/retry.ts).
  const waiting = (ms: number) => db.pragma(`busy_timeout = ${Math.floor(ms)}`);
  waiting(busyTimeout);
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

  const session: Session = {
    conn,
    exec: async (sql) => {
      // Some errors (SQLITE_FULL, an interrupted statement) roll back on their own.
      if (sql === "ROLLBACK" && !db.inTransaction) return;
      db.exec(sql);
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
      db.exec(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)",
      );
      let current = versionNow();
      for (const m of sqliteMigrations) {
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
  if (options.migrate) migrateNow();
  db.pragma(`analysis_limit = ${ANALYSIS_LIMIT}`);
  // 0x10000: every table, not only those this new connection has queried yet.
  const optimize = () => db.pragma("optimize = 0x10002");
  // Skipped, and tried again later, when another process holds the write lock.
  const optimizeNow = () => {
    try {
      optimize();
    } catch (error) {
      if (transience(error) !== "retry") throw error;
    }
  };
  optimizeNow();
  waiting(0);
  let writes = 0;

  let checked = false;
  const ensureReady = () => {
    if (checked) return;
    const found = versionNow();
    if (found < wanted) throw schemaBehind("sqliteStore", found, wanted);
    checked = true;
  };

  // Each attempt holds this process's lock only while it runs: between attempts (another
  // process holds the write lock) the event loop and this process's reads carry on.
  const run = transactions(
    {
      // BEGIN IMMEDIATE takes the write lock up front, so two writers never deadlock on upgrade.
      begin: "BEGIN IMMEDIATE",
      locksReads: false,
      policy: { retries: Number.POSITIVE_INFINITY, budgetMs: busyTimeout, baseDelayMs: 5, maxDelayMs: 100 },
      classify: transience,
      hold: (fn) =>
        lock.run(async () => {
          ensureReady();
          const result = await fn(session, () => undefined);
          if (++writes % OPTIMIZE_EVERY === 0) optimizeNow();
          return result;
        }),
    },
    (op) =>
      lock.run(() => {
        ensureReady();
        return op(conn);
      }),
  );

  const driver: Driver = { dialect, outside: { read: run.read, write: run.write }, transaction: run.transaction };

  const store = sqlStore(driver, "sqliteStore") as SqliteStore;
  store.tokens = sqlTokenRegistry(driver);
  store.audit = sqlAuditLog(driver);
  store.migrate = () =>
    lock.run(() => {
      waiting(busyTimeout);
      try {
        const version = migrateNow();
        optimize();
        return version;
      } finally {
        waiting(0);
      }
    });
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
