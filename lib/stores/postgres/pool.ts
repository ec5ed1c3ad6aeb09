/**
 * The connections of the PostgreSQL store: the host's pool (anything with pg's Pool API), or
 * the store's own, whose connections carry the statement timeout and run prepared statements.
 */
import { createHash } from "node:crypto";
import type { Pool } from "pg";
import type { Conn } from "../sql/driver";
import type { Params } from "../sql/params";
import { loadPeer } from "../sql/peer";

/** The part of a pg `Pool` the store uses (a `pg.Pool` fits; so does anything with its API). */
export interface PgPoolLike {
  /** Takes a client from the pool. */
  connect(): Promise<PgClientLike>;
  /** Runs one parameterised statement. */
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
  /** Closes the pool. */
  end(): Promise<void>;
}

/** The part of a pg PoolClient the store uses. */
export interface PgClientLike {
  /** Runs one parameterised statement. */
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
  /** Returns the client to its pool. */
  release(error?: Error | boolean): void;
}

/** A pg.Pool or PoolClient, which also takes a named (prepared) query. */
interface Prepared {
  query(config: { name: string; text: string; values: unknown[] }): ReturnType<PgPoolLike["query"]>;
}

/** Distinct statements prepared on each connection; past it they run unnamed (ids and values are all bound). */
const PREPARED_LIMIT = 500;

/**
 * A name per statement text, so each connection parses and plans it once (pg keeps named
 * statements per connection). Named by a hash of the text: two stores on one pool cannot clash.
 */
export function statementNames(): (text: string) => string | undefined {
  const names = new Map<string, string>();
  return (text) => {
    let name = names.get(text);
    if (name === undefined && names.size < PREPARED_LIMIT) {
      name = `scim_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
      names.set(text, name);
    }
    return name;
  };
}

/**
 * The store's own pool. Its connections carry the statement timeout from their start (a startup
 * parameter, no round trip), so a lone read needs no transaction for `SET LOCAL`.
 */
export function newPool(connectionString: string, statementTimeout: number): PgPoolLike {
  const pg = loadPeer<{ Pool: typeof Pool }>("pg", 8, "postgresStore", () => require("pg"));
  const limit = statementTimeout > 0 ? { statement_timeout: statementTimeout } : {};
  return new pg.Pool({ connectionString, ...limit }) as unknown as PgPoolLike;
}

/** Statements on a pool or one of its clients, named (prepared) when `names` gives a name. */
export function connOf(q: PgPoolLike | PgClientLike, names?: (text: string) => string | undefined): Conn {
  const send = (text: string, values: unknown[]) => {
    const name = names?.(text);
    return name ? (q as unknown as Prepared).query({ name, text, values }) : q.query(text, values);
  };
  return {
    all: async (sql: string, p: Params) => (await send(sql, p.values)).rows,
    run: async (sql: string, p: Params) => (await send(sql, p.values)).rowCount ?? 0,
  };
}
