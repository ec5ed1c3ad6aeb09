/**
 * Transactions of the SQL stores, written once for both databases: a write is one transaction,
 * `store.transaction(fn)` runs several operations in one (each in a savepoint, so a failed one
 * undoes itself and leaves the rest usable), and either is run again from the start after a
 * transient failure (./retry.ts). A retried transaction runs `fn` again: whatever `fn` did
 * outside the database (a transactional hook's side effects) happens again too.
 */
import { Lock } from "../lock";
import type { Conn, Op, Runner } from "./driver";
import { retrying, type RetryPolicy, type Transience } from "./retry";

/** One connection, held by one caller at a time. */
export interface Session {
  conn: Conn;
  /** A statement without parameters: BEGIN, COMMIT, ROLLBACK, SAVEPOINT ... */
  exec(sql: string): Promise<void>;
}

export interface SessionSource {
  /** Opens a write transaction: "BEGIN"; SQLite's "BEGIN IMMEDIATE" takes the write lock up front. */
  begin: string;
  /**
   * Runs fn on a session nobody else uses meanwhile. `broken` marks the session unfit for reuse
   * (a failed ROLLBACK), for sources that pool them.
   */
  hold<T>(fn: (session: Session, broken: (error: Error) => void) => Promise<T>): Promise<T>;
  /** Inside a transaction, `get` locks the row it reads until commit (see Runner.locksReads). */
  locksReads: boolean;
  policy: RetryPolicy;
  classify(error: unknown): Transience;
}

export interface Transactions {
  /** A read outside any transaction, retried like a write. */
  read<T>(op: Op<T>): Promise<T>;
  /** One operation in its own transaction. */
  write<T>(op: Op<T>): Promise<T>;
  /** Several operations in one transaction. */
  transaction<T>(fn: (inside: Runner) => Promise<T>): Promise<T>;
}

export function transactions(source: SessionSource, read: <T>(op: Op<T>) => Promise<T>): Transactions {
  const again = <T>(attempt: () => Promise<T>) => retrying(source.policy, (e) => source.classify(e), attempt);

  const once = <T>(body: (session: Session) => Promise<T>): Promise<T> =>
    source.hold(async (session, broken) => {
      await session.exec(source.begin);
      let result: T;
      try {
        result = await body(session);
      } catch (error) {
        await session.exec("ROLLBACK").catch(broken);
        throw error;
      }
      try {
        await session.exec("COMMIT");
      } catch (error) {
        await session.exec("ROLLBACK").catch(broken);
        // A COMMIT that failed for want of a connection may have landed: neither retried nor a
        // 503 ("nothing was written"), but the logged 500 of an unknown outcome.
        if (source.classify(error) === "unavailable") throw new CommitOutcomeUnknown(error);
        throw error;
      }
      return result;
    });

  return {
    read: (op) => again(() => read(op)),
    write: (op) => again(() => once((session) => op(session.conn))),
    transaction: (fn) =>
      again(() =>
        once(async (session) => {
          const lock = new Lock();
          const result = await fn(savepoints(session, lock, source.locksReads));
          // An operation fn started but did not await still finishes before the commit.
          await lock.run(() => undefined);
          return result;
        }),
      ),
  };
}

export class CommitOutcomeUnknown extends Error {
  constructor(override readonly cause: unknown) {
    super(`COMMIT failed, the transaction may have landed: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = "CommitOutcomeUnknown";
  }
}

/** Operations inside one transaction run one at a time, each write in a savepoint. */
function savepoints(session: Session, lock: Lock, locksReads: boolean): Runner {
  let count = 0;
  return {
    locksReads,
    read: (op) => lock.run(() => op(session.conn)),
    write: (op) =>
      lock.run(async () => {
        const name = `sp${++count}`;
        await session.exec(`SAVEPOINT ${name}`);
        try {
          const result = await op(session.conn);
          await session.exec(`RELEASE SAVEPOINT ${name}`);
          return result;
        } catch (error) {
          await session.exec(`ROLLBACK TO SAVEPOINT ${name}`);
          await session.exec(`RELEASE SAVEPOINT ${name}`);
          throw error;
        }
      }),
  };
}
