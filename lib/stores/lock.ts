/**
 * A FIFO mutex for one store, shared by the stores that run in one process. The memory store's
 * operations are synchronous, so there it only matters for transactions, which await between
 * steps and must not interleave with others; the SQL stores use it to keep one connection's
 * statements in order (SQLite's single connection, the savepoints inside one transaction).
 */
export class Lock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
