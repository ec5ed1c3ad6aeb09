/**
 * What the shared SQL store code needs from a database driver: a connection that runs one
 * statement, and two ways of running operations (alone, or inside a caller's transaction).
 */
import type { Dialect } from "./dialect";
import type { Params } from "./params";

export type SqlRow = Record<string, unknown>;

export interface Conn {
  all(sql: string, params: Params): Promise<SqlRow[]>;
  /** Returns the number of rows changed. */
  run(sql: string, params: Params): Promise<number>;
}

export type Op<T> = (conn: Conn) => Promise<T>;

/** Runs store operations: reads as they are, writes atomically (a transaction or a savepoint). */
export interface Runner {
  read<T>(op: Op<T>): Promise<T>;
  write<T>(op: Op<T>): Promise<T>;
  /**
   * Inside a transaction on a database with row locks: `get` locks the row it reads until
   * commit, so a read-modify-write (the service's PATCH) waits for the one before it instead of
   * failing its If-Match-free version check over and over (412s) under many writers.
   */
  readonly locksReads?: boolean;
}

/** The statements of the store operations that differ between databases. */
export interface StoreDialect extends Dialect {
  params(): Params;
  /** A JSON record as a bound value. */
  json(p: Params, record: unknown): string;
  readTime(value: unknown): Date;
  readJson(value: unknown): Record<string, unknown>;
  /** `expr` is one of `ids` (a list bound as one value). */
  inList(p: Params, expr: string, ids: readonly string[]): string;
  /** A FROM item `alias(id, type)` of bound (id, type) pairs. */
  pairs(p: Params, pairs: readonly (readonly [string, string])[], alias: string): string;
  /** Appended to a SELECT that must keep the rows it found from being deleted until commit. */
  readonly keyShare: string;
  /** Appended to a SELECT that must lock the rows it found against other writers until commit. */
  readonly forUpdate: string;
  isUniqueViolation(error: unknown): boolean;
  /**
   * ORDER BY of a filtered, unsorted index page (insertion order). SQLite's statistics cannot tell a
   * rare match from a common one, and walking the (tenant, seq) index past rare matches reads
   * the whole tenant (`meta.lastModified gt` of the last 100 users): there it is an expression
   * no index serves, so the filter's own index is used and its matches sorted. (A cursor page
   * seeks on seq itself, and keeps walking it.)
   */
  filteredSeq(alias: string): string;
}

export interface Driver {
  readonly dialect: StoreDialect;
  readonly outside: Runner;
  /** Runs fn with a runner whose operations all land in one transaction, or none do. */
  transaction<T>(fn: (inside: Runner) => Promise<T>): Promise<T>;
}
