/**
 * A FIFO mutex for one store. The memory store's operations are synchronous, so this only
 * matters for transactions, which await between steps and must not interleave with others.
 */
export class Lock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
