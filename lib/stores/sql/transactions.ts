/**
 * Transactions of the SQL stores, written once for both databases: a write is one transaction,
 * `store.transaction(fn)` runs several operations in one (a failed one undoes itself and leaves
 * the rest usable, see `steps`), and either is run again from the start after a transient
 * failure (./retry.ts). A retried transaction runs `fn` again: whatever `fn` did outside the
 * database (a transactional hook's side effects) happens again too.
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
          const result = await fn(steps(session, lock, source));
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

/**
 * Operations inside one transaction run one at a time. A failed write must undo only itself: a
 * write after others that landed runs in a savepoint; the first write needs none (a PATCH's one
 * write is then BEGIN, read, write, COMMIT), since undoing it undoes the whole transaction so
 * far, which held no writes: the transaction is rolled back and begun again. Only row locks
 * taken by its reads are lost then, which the version checks in every write do not rely on.
 */
function steps(session: Session, lock: Lock, source: SessionSource): Runner {
  let count = 0;
  let wrote = false;
  /** Set when a transaction could not be begun again: nothing more may run, in it or outside it. */
  let lost: unknown;
  const alone = async <T>(op: Op<T>): Promise<T> => {
    try {
      const result = await op(session.conn);
      wrote = true;
      return result;
    } catch (error) {
      try {
        await session.exec("ROLLBACK");
        await session.exec(source.begin);
      } catch (restore) {
        lost = restore;
      }
      throw error;
    }
  };
  const savepoint = async <T>(op: Op<T>): Promise<T> => {
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
  };
  return {
    locksReads: source.locksReads,
    read: (op) => lock.run(() => (lost ? Promise.reject(lost) : op(session.conn))),
    write: (op) => lock.run(() => (lost ? Promise.reject(lost) : wrote ? savepoint(op) : alone(op))),
  };
}
