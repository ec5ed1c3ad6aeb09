/**
 * `express-scim/postgres`: the PostgreSQL store, for apps that run many instances behind one
 * database. `pg` (version 8) is an optional peer dependency, loaded only by this entry point.
 *
 *   const store = postgresStore({ connectionString: process.env.DATABASE_URL });
 *   await migrate(store);            // once, at deploy time (or { migrate: true } in examples)
 */
import type { Pool } from "pg";
import { sqlStore } from "../sql/core";
import { sqlAuditLog } from "../sql/audit";
import { sqlRequestLog } from "../sql/request-log";
import { sqlTokenRegistry } from "../sql/tokens";
import type { SqlStore } from "../sql/store";
import type { Conn, Driver } from "../sql/driver";
import { latestVersion, schemaBehind } from "../sql/migrate";
import type { Params } from "../sql/params";
import { loadPeer } from "../sql/peer";
import type { Transience } from "../sql/retry";
import { transactions } from "../sql/transactions";
import { postgresDialect, quoteIdent } from "./dialect";
import { postgresMigrations } from "./migrations";

/** The part of a pg `Pool` the store uses (a `pg.Pool` fits; so does anything with its API). */
export interface PgPoolLike {
  connect(): Promise<PgClientLike>;
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
  end(): Promise<void>;
}

export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
  release(error?: Error | boolean): void;
}

export type PostgresStoreOptions = (
  | { pool: PgPoolLike; connectionString?: never }
  | { connectionString: string; pool?: never }
) & {
  /** The PostgreSQL schema holding the tables. Default "scim", apart from the host's own tables. */
  schema?: string;
  /** Apply pending migrations before the first operation. For examples and tests; deploys call migrate(). */
  migrate?: boolean;
  /**
   * Times an operation or transaction is retried after a deadlock or serialization failure, with
   * a jittered backoff; then the request answers 503 with Retry-After. Default 5.
   */
  retries?: number;
  /**
   * Milliseconds one statement may run before PostgreSQL cancels it (`SET LOCAL statement_timeout`
   * in the operation's transaction; migrations are not limited). The request then answers 503 with
   * Retry-After. Default 5000; 0 turns it off.
   */
  statementTimeout?: number;
};

export type PostgresStore = SqlStore;
export type { SqlStore };

const RETRYABLE = new Set(["40P01", "40001"]); // deadlock_detected, serialization_failure
const QUERY_CANCELED = "57014"; // statement_timeout, or pg_cancel_backend()
const DEFAULT_STATEMENT_TIMEOUT = 5000;
/** too_many_connections, admin_shutdown, crash_shutdown, cannot_connect_now; class 08 below. */
const UNAVAILABLE = new Set(["53300", "57P01", "57P02", "57P03", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"]);

/**
 * Which failures are worth another attempt, and which mean the database cannot serve us now. A
 * statement cancelled by statement_timeout is the server's trouble (load, locks, a bad plan), not
 * the client's: the work budget already refused what is too costly by its shape. So 503 with
 * Retry-After, which Okta and Entra retry, rather than a 400 they would not.
 */
function transience(error: unknown): Transience {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  if (RETRYABLE.has(code)) return "retry";
  return UNAVAILABLE.has(code) || code === QUERY_CANCELED || code.startsWith("08") ? "unavailable" : undefined;
}

function newPool(connectionString: string): PgPoolLike {
  const pg = loadPeer<{ Pool: typeof Pool }>("pg", 8, "postgresStore", () => require("pg"));
  return new pg.Pool({ connectionString }) as unknown as PgPoolLike;
}

export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  if (!options || (!options.pool && !options.connectionString)) {
    throw new TypeError("postgresStore: pass { connectionString } or { pool } (a pg.Pool).");
  }
  const schema = options.schema ?? "scim";
  const S = quoteIdent(schema);
  const ownPool = !options.pool;
  // A host that passes its own pool needs no pg of ours.
  const pool: PgPoolLike = options.pool ?? newPool(options.connectionString);
  const dialect = postgresDialect(schema);
  const migrations = postgresMigrations(S);
  const wanted = latestVersion(migrations);
  const retries = options.retries ?? 5;
  if (!Number.isInteger(retries) || retries < 0)
    throw new TypeError("postgresStore: retries must be a non-negative integer.");
  const timeout = options.statementTimeout ?? DEFAULT_STATEMENT_TIMEOUT;
  if (!Number.isInteger(timeout) || timeout < 0)
    throw new TypeError("postgresStore: statementTimeout must be a whole number of milliseconds (0 turns it off).");

  const schemaVersion = async (): Promise<number> => {
    const exists = await pool.query("SELECT to_regclass($1) AS t", [`${S}.schema_version`]);
    if (!exists.rows[0]?.t) return 0;
    const { rows } = await pool.query(`SELECT COALESCE(MAX(version), 0) AS v FROM ${S}.schema_version`);
    return Number(rows[0].v);
  };

  const migrate = async (): Promise<number> => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      // One migrator at a time per schema, whatever the number of processes starting up.
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`express-scim:${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${S}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${S}.schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await client.query(`SELECT COALESCE(MAX(version), 0) AS v FROM ${S}.schema_version`);
      let current = Number(rows[0].v);
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

  // Checked (or migrated) once, before the first operation; a failure is retried next time.
  let ready: Promise<void> | undefined;
  const ensureReady = (): Promise<void> => {
    ready ??= (async () => {
      const found = options.migrate ? await migrate() : await schemaVersion();
      if (found < wanted) throw schemaBehind("postgresStore", found, wanted);
    })().catch((error) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };

  const on = (q: PgPoolLike | PgClientLike): Conn => ({
    all: async (sql: string, p: Params) => (await q.query(sql, p.values)).rows,
    run: async (sql: string, p: Params) => (await q.query(sql, p.values)).rowCount ?? 0,
  });

  const run = transactions(
    {
      // One round trip: a simple query may hold two statements. `timeout` is a checked integer.
      begin: timeout > 0 ? `BEGIN; SET LOCAL statement_timeout = ${timeout}` : "BEGIN",
      locksReads: true,
      policy: { retries, baseDelayMs: 20, maxDelayMs: 500 },
      classify: transience,
      async hold(fn) {
        await ensureReady();
        const client = await pool.connect();
        let broken: Error | undefined;
        try {
          return await fn(
            { conn: on(client), exec: async (sql) => void (await client.query(sql)) },
            (e) => (broken = e),
          );
        } finally {
          client.release(broken);
        }
      },
    },
    async (op) => {
      await ensureReady();
      return op(on(pool));
    },
  );

  // With a statement timeout, reads run in a transaction too: SET LOCAL needs one.
  const driver: Driver = {
    dialect,
    outside: { read: timeout > 0 ? run.write : run.read, write: run.write },
    transaction: run.transaction,
  };

  const store = sqlStore(driver, "postgresStore") as PostgresStore;
  store.tokens = sqlTokenRegistry(driver);
  store.audit = sqlAuditLog(driver);
  store.requestLog = sqlRequestLog(driver);
  store.migrate = migrate;
  store.ready = ensureReady;
  store.schemaVersion = schemaVersion;
  store.close = async () => {
    await store.requestLog.flush();
    if (ownPool) await pool.end();
  };
  return store;
}

/** Applies pending migrations to a PostgreSQL store's schema; returns the version reached. */
export function migrate(store: PostgresStore): Promise<number> {
  return store.migrate();
}
