/**
 * The SQLite store's one connection: opened with the pragmas the store relies on, its
 * statements prepared once and cached, and the event loop given a turn between long ones.
 */
import type Database from "better-sqlite3";
import type { Conn } from "../sql/driver";
import type { Params } from "../sql/params";
import type { Session } from "../sql/transactions";
import { registerFunctions } from "./functions";

const STATEMENT_CACHE = 256;
/** Milliseconds of statements after which the next one waits for a turn of the event loop. */
const HOLD_MS = 2;

export interface Connection {
  db: Database.Database;
  conn: Conn;
  session: Session;
  /** Sets how long SQLite itself waits for a lock, synchronously (set-up only; 0 for requests). */
  waiting(ms: number): void;
}

export function openDatabase(Sqlite: typeof Database, filename: string, busyTimeout: number): Connection {
  const db = new Sqlite(filename);
  // better-sqlite3 is synchronous: SQLite's own busy wait would freeze the event loop. Set-up
  // (opening, WAL, migrations) may wait synchronously; requests never do (busy_timeout 0 below,
  // and the waiting is done between attempts, asynchronously, in ../sql/retry.ts).
  const waiting = (ms: number) => void db.pragma(`busy_timeout = ${Math.floor(ms)}`);
  waiting(busyTimeout);
  if (filename !== ":memory:") db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  registerFunctions(db);

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
  // A statement runs on the event loop. Once statements have held it for HOLD_MS since it last
  // turned, the next one waits for a turn, so timers and other requests run between a list's
  // COUNT and its page, instead of after both (issue 13). Quick statements (a lookup and its
  // User.groups) run straight on: on a busy machine each turn cost about a millisecond of
  // waiting, more than the lookup itself (issue 17).
  let held = 0;
  let watching = false;
  const turned = () => {
    held = 0;
    watching = false;
  };
  const timed = <T>(run: () => T): T => {
    const start = performance.now();
    try {
      return run();
    } finally {
      held += performance.now() - start;
      if (!watching) {
        watching = true;
        setImmediate(turned);
      }
    }
  };
  const ready = () => (held >= HOLD_MS ? new Promise<void>((resolve) => setImmediate(resolve)) : undefined);
  const conn: Conn = {
    // Array.from: arrays made by the native addon belong to another realm under VM-based test
    // runners (jest), and deep equality checks prototypes.
    all: async (sql: string, p: Params) => {
      await ready();
      return timed(() => Array.from(prepare(sql).all(p.bind()) as Record<string, unknown>[]));
    },
    run: async (sql: string, p: Params) => {
      await ready();
      return timed(() => prepare(sql).run(p.bind()).changes);
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
  return { db, conn, session, waiting };
}
