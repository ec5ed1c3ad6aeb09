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
import { sqlAuditLog } from "../sql/audit";
import { sqlStore } from "../sql/core";
import { sqlOutbox } from "../sql/outbox";
import type { Driver } from "../sql/driver";
import { sqlRequestLog } from "../sql/request-log";
import { latestVersion, schemaBehind } from "../sql/migrate";
import { loadPeer } from "../sql/peer";
import type { Transience } from "../sql/retry";
import type { SqlStore } from "../sql/store";
import { sqlTokenRegistry } from "../sql/tokens";
import { transactions } from "../sql/transactions";
import { Lock } from "../lock";
import type Database from "better-sqlite3";
import { openDatabase } from "./connection";
import { sqliteDialect } from "./dialect";
import { sqliteMigrations } from "./migrations";
import { migrator } from "./migrator";
import { SQLITE_DEFAULTS } from "../../values/defaults";

/** Options of `sqliteStore`. */
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

/** The SQLite store: a Store with migrations, tokens, an audit log and close(). */
export type SqliteStore = SqlStore;
export type { SqlStore };

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

/** A store in one SQLite file: the embedded default, for one process. */
export function sqliteStore(options: SqliteStoreOptions): SqliteStore {
  if (!options || typeof options.filename !== "string" || options.filename === "") {
    throw new TypeError('sqliteStore: pass { filename } (a file path, or ":memory:").');
  }
  const busyTimeout = options.busyTimeout ?? SQLITE_DEFAULTS.busyTimeout;
  if (typeof busyTimeout !== "number" || !(busyTimeout >= 0))
    throw new TypeError("sqliteStore: busyTimeout must be a number of milliseconds (0 or more).");
  const Sqlite = loadPeer<typeof Database>("better-sqlite3", 12, "sqliteStore", () => require("better-sqlite3"));
  const { db, conn, session, waiting } = openDatabase(Sqlite, options.filename, busyTimeout);
  const { versionNow, migrateNow } = migrator(db, sqliteMigrations);
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

  const wanted = latestVersion(sqliteMigrations);
  const lock = new Lock();
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

  const driver: Driver = {
    dialect: sqliteDialect(),
    outside: { read: run.read, write: run.write },
    transaction: run.transaction,
  };
  // One connection, one writer at a time: claims need no row locks.
  const store = sqlStore(driver, "sqliteStore", (s, runner) => {
    s.outbox = sqlOutbox(driver, runner, { skipLocked: "" });
  }) as SqliteStore;
  store.tokens = sqlTokenRegistry(driver);
  store.audit = sqlAuditLog(driver);
  store.requestLog = sqlRequestLog(driver);
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
  store.close = async () => {
    await store.requestLog.flush();
    await lock.run(() => {
      if (db.open) db.close();
    });
  };
  return store;
}

/** Applies pending migrations to a SQLite store's database; returns the version reached. */
export function migrate(store: SqliteStore): Promise<number> {
  return store.migrate();
}
