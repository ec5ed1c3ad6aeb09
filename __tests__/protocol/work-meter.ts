/**
 * A deterministic measure of the work the filter engine does on one input: the characters it
 * reads. The engine walks untrusted text with `charCodeAt` and copies pieces of it with `slice`
 * (it uses no regular expression, see lib/protocol/filter/lexer.ts), so counting both while a
 * call runs gives the same number on any machine, however loaded, where a stopwatch would not.
 * A backtracking or quadratic regression shows up as reads far beyond the input's length.
 */
export interface Work<T> {
  /** charCodeAt calls plus characters copied by slice. */
  reads: number;
  result?: T;
  thrown?: unknown;
}

/** Runs a synchronous fn once and counts what it read; what it threw is returned, not rethrown. */
export function measureWork<T>(fn: () => T): Work<T> {
  const proto = String.prototype;
  const { charCodeAt, slice } = proto;
  let reads = 0;
  proto.charCodeAt = function (this: string, index?: number) {
    reads += 1;
    return charCodeAt.call(this, index as number);
  };
  proto.slice = function (this: string, start?: number, end?: number) {
    const piece = slice.call(this, start, end);
    reads += piece.length;
    return piece;
  };
  try {
    const result = fn();
    if (result instanceof Promise) throw new TypeError("measureWork counts synchronous work only");
    return { reads, result };
  } catch (thrown) {
    return { reads, thrown };
  } finally {
    proto.charCodeAt = charCodeAt;
    proto.slice = slice;
  }
}

/**
 * Reads allowed for one input: linear in its length. Measured on fast-check's inputs the engine
 * stays under 6 reads a character (the lexer, the name checks and the number check each look
 * once); a quadratic or backtracking engine would need hundreds on 200 characters.
 */
export const linearReads = (text: string): number => 10 * text.length + 100;
