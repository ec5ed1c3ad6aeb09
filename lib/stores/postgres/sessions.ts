/**
 * How the PostgreSQL store runs its operations: a write is a transaction on a client of the
 * pool; a lone read is one statement on the pool, unless the statement timeout can only be set
 * inside a transaction (a host's pool: `SET LOCAL`), when it is a transaction too.
 */
import type { Driver, StoreDialect } from "../sql/driver";
import { transactions } from "../sql/transactions";
import { connOf, statementNames, type PgPoolLike } from "./pool";
import { transience } from "./transience";

export interface SessionOptions {
  /** The store made the pool: its connections carry the timeout, and statements are prepared. */
  ownPool: boolean;
  /** Milliseconds (a checked integer); 0 for none. */
  timeout: number;
  retries: number;
  ensureReady(): Promise<void>;
}

export function postgresDriver(pool: PgPoolLike, dialect: StoreDialect, options: SessionOptions): Driver {
  const { ownPool, timeout, retries, ensureReady } = options;
  // A host's pool gets plain text statements (PgPoolLike) and its sessions are left as they are.
  const names = ownPool ? statementNames() : undefined;
  // On the store's own pool the timeout is already on every connection.
  const limitInTransaction = timeout > 0 && !ownPool;

  const run = transactions(
    {
      // One round trip: a simple query may hold two statements.
      begin: limitInTransaction ? `BEGIN; SET LOCAL statement_timeout = ${timeout}` : "BEGIN",
      locksReads: true,
      policy: { retries, baseDelayMs: 20, maxDelayMs: 500 },
      classify: transience,
      async hold(fn) {
        await ensureReady();
        const client = await pool.connect();
        let broken: Error | undefined;
        try {
          return await fn(
            { conn: connOf(client, names), exec: async (sql) => void (await client.query(sql)) },
            (e) => (broken = e),
          );
        } finally {
          client.release(broken);
        }
      },
    },
    async (op) => {
      await ensureReady();
      return op(connOf(pool, names));
    },
  );

  return {
    dialect,
    outside: { read: limitInTransaction ? run.write : run.read, write: run.write },
    transaction: run.transaction,
  };
}
