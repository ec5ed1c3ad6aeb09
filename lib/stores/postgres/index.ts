/**
 * `express-scim/postgres`: the PostgreSQL store, for apps that run many instances behind one
 * database. `pg` (version 8) is an optional peer dependency, loaded only by this entry point.
 *
 *   const store = postgresStore({ connectionString: process.env.DATABASE_URL });
 *   await migrate(store);            // once, at deploy time (or { migrate: true } in examples)
 */
import type { Pool } from "pg";
import { ScimError } from "../../protocol/errors";
import { sqlStore } from "../sql/core";
import { sqlAuditLog } from "../sql/audit";
import { sqlTokenRegistry } from "../sql/tokens";
import type { SqlStore } from "../sql/store";
import type { Conn, Driver, Op, Runner } from "../sql/driver";
import { latestVersion, schemaBehind } from "../sql/migrate";
import type { Params } from "../sql/params";
import { Lock } from "../memory/lock";
import { loadPeer } from "../sql/peer";
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

export type PostgresStoreOptions = ({ pool: PgPoolLike; connectionString?: never } | { connectionString: string; pool?: never }) & {
  /** The PostgreSQL schema holding the tables. Default "scim", apart from the host's own tables. */
  schema?: string;
  /** Apply pending migrations before the first operation. For examples and tests; deploys call migrate(). */
  migrate?: boolean;
  /** Times an operation is retried after a deadlock or serialization failure. Default 3. */
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
/** Seconds a client is asked to wait after a cancelled statement. */
const RETRY_AFTER = 5;

/**
 * A statement cancelled by statement_timeout is the server's trouble (load, locks, a bad plan),
 * not the client's: the work budget already refused what is too costly by its shape. So 503
 * with Retry-After, which Okta and Entra retry, rather than a 400 they would not.
 */
function cancelled(error: unknown): unknown {
  if ((error as { code?: string } | null)?.code !== QUERY_CANCELED) return error;
  return new ScimError(503, undefined, "The database did not answer in time; retry later.", { "Retry-After": String(RETRY_AFTER) });
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
  const retries = options.retries ?? 3;
  const timeout = options.statementTimeout ?? DEFAULT_STATEMENT_TIMEOUT;
  if (!Number.isInteger(timeout) || timeout < 0) throw new TypeError("postgresStore: statementTimeout must be a whole number of milliseconds (0 turns it off).");
  // One round trip: a simple query may hold two statements. `timeout` is a checked integer.
  const begin = timeout > 0 ? `BEGIN; SET LOCAL statement_timeout = ${timeout}` : "BEGIN";

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
      await client.query(`CREATE TABLE IF NOT EXISTS ${S}.schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await client.query(`SELECT COALESCE(MAX(version), 0) AS v FROM ${S}.schema_version`);
      let current = Number(rows[0].v);
      for (const m of migrations) {
        if (m.version <= current) continue;
        for (const statement of m.statements) await client.query(statement);
        await client.query(`INSERT INTO ${S}.schema_version (version, description) VALUES ($1, $2)`, [m.version, m.description]);
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

  const atomically = async <T>(op: Op<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query(begin);
        const result = await op(on(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((e: Error) => (broken = e));
        const code = (error as { code?: string }).code;
        if (attempt < retries && code && RETRYABLE.has(code)) continue;
        throw cancelled(error);
      } finally {
        client.release(broken);
      }
    }
  };

  /** Reads run in a transaction only to carry the statement timeout. */
  const bounded = async <T>(op: Op<T>): Promise<T> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await op(on(client));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((e: Error) => (broken = e));
      throw cancelled(error);
    } finally {
      client.release(broken);
    }
  };

  const outside: Runner = {
    read: async (op) => {
      await ensureReady();
      return timeout > 0 ? bounded(op) : op(on(pool));
    },
    write: async (op) => {
      await ensureReady();
      return atomically(op);
    },
  };

  const driver: Driver = {
    dialect,
    outside,
    async transaction(fn) {
      await ensureReady();
      const client = await pool.connect();
      let broken: Error | undefined;
      // Operations of one transaction share its client; they run one at a time, each in a
      // savepoint, so a failed one (a 409, a 400) undoes itself and leaves the rest usable.
      const lock = new Lock();
      const conn = on(client);
      let savepoints = 0;
      const inside: Runner = {
        locksReads: true,
        read: (op) => lock.run(() => op(conn)),
        write: (op) =>
          lock.run(async () => {
            const name = `sp${++savepoints}`;
            await client.query(`SAVEPOINT ${name}`);
            try {
              const result = await op(conn);
              await client.query(`RELEASE SAVEPOINT ${name}`);
              return result;
            } catch (error) {
              await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
              throw error;
            }
          }),
      };
      try {
        await client.query(begin);
        const result = await fn(inside);
        await lock.run(() => client.query("COMMIT"));
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((e: Error) => (broken = e));
        throw cancelled(error);
      } finally {
        client.release(broken);
      }
    },
  };

  const store = sqlStore(driver, "postgresStore") as PostgresStore;
  store.tokens = sqlTokenRegistry(driver);
  store.audit = sqlAuditLog(driver);
  store.migrate = migrate;
  store.ready = ensureReady;
  store.schemaVersion = schemaVersion;
  store.close = async () => {
    if (ownPool) await pool.end();
  };
  return store;
}

/** Applies pending migrations to a PostgreSQL store's schema; returns the version reached. */
export function migrate(store: PostgresStore): Promise<number> {
  return store.migrate();
}
