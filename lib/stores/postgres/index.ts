/**
 * `express-scim/postgres`: the PostgreSQL store, for apps that run many instances behind one
 * database. `pg` (version 8) is an optional peer dependency, loaded only by this entry point.
 *
 *   const store = postgresStore({ connectionString: process.env.DATABASE_URL });
 *   await migrate(store);            // once, at deploy time (or { migrate: true } in examples)
 */
import { sqlAuditLog } from "../sql/audit";
import { sqlStore } from "../sql/core";
import { sqlOutbox } from "../sql/outbox";
import { listen, notifyChannel } from "./listen";
import { sqlRequestLog } from "../sql/request-log";
import { latestVersion, schemaBehind } from "../sql/migrate";
import type { SqlStore } from "../sql/store";
import { sqlTokenRegistry } from "../sql/tokens";
import { postgresDialect, quoteIdent } from "./dialect";
import { postgresMigrations } from "./migrations";
import { migrator } from "./migrator";
import { newPool, type PgPoolLike } from "./pool";
import { postgresDriver } from "./sessions";
import { POSTGRES_DEFAULTS } from "../../values/defaults";

export type { PgClientLike, PgPoolLike } from "./pool";

/** Options of `postgresStore`: a connection string or your own pool. */
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
   * Milliseconds one statement may run before PostgreSQL cancels it; migrations are not limited.
   * The request then answers 503 with Retry-After. Default 5000; 0 turns it off. The store's own
   * pool (`connectionString`) sets it on each connection, so a lone read is one statement; on a
   * host's pool it is `SET LOCAL statement_timeout` in each operation's transaction, reads included.
   */
  statementTimeout?: number;
};

/** The PostgreSQL store: a Store with migrations, tokens, an audit log and close(). */
export type PostgresStore = SqlStore;
export type { SqlStore };

/** A store in PostgreSQL, safe for many app instances sharing one database. */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  if (!options || (!options.pool && !options.connectionString)) {
    throw new TypeError("postgresStore: pass { connectionString } or { pool } (a pg.Pool).");
  }
  const schema = options.schema ?? POSTGRES_DEFAULTS.schema;
  const S = quoteIdent(schema);
  const retries = options.retries ?? POSTGRES_DEFAULTS.retries;
  if (!Number.isInteger(retries) || retries < 0)
    throw new TypeError("postgresStore: retries must be a non-negative integer.");
  const timeout = options.statementTimeout ?? POSTGRES_DEFAULTS.statementTimeout;
  if (!Number.isInteger(timeout) || timeout < 0)
    throw new TypeError("postgresStore: statementTimeout must be a whole number of milliseconds (0 turns it off).");
  const ownPool = !options.pool;
  // A host that passes its own pool needs no pg of ours.
  const pool: PgPoolLike = options.pool ?? newPool(options.connectionString, timeout);
  const migrations = postgresMigrations(S);
  const wanted = latestVersion(migrations);
  const { schemaVersion, migrate } = migrator(pool, schema, S, migrations);

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

  const driver = postgresDriver(pool, postgresDialect(schema), { ownPool, timeout, retries, ensureReady });
  const channel = notifyChannel(schema);
  const store = sqlStore(driver, "postgresStore", (s, runner) => {
    s.outbox = sqlOutbox(driver, runner, {
      skipLocked: " FOR UPDATE SKIP LOCKED",
      oneStatement: true,
      notify: `SELECT pg_notify('${channel}', '')`,
    });
  }) as PostgresStore;
  store.outbox!.subscribe = (wake) => listen(pool, channel, wake);
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
