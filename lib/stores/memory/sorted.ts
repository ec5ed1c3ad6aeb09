/**
 * A sorted index of one table: rows in (sort key, seq) order, kept in chunks so an insert moves
 * at most one chunk, not the whole table (200,000 users seeded one by one stay linear). It serves
 * `sortBy` (a page is read from its place, not sorted from scratch), RFC 9865 cursors (a seek to
 * the position after the previous page) and `sw` on its attribute (a prefix is one key range).
 */
import { compareSortKeys, type SortKey } from "../../protocol/filter/sort";
import type { Row } from "./row";

export interface Entry {
  key: SortKey | undefined;
  seq: number;
  id: string;
}

/** A place in the order: after the row whose key and seq these are. */
export interface Place {
  key: SortKey | undefined;
  seq: number;
}

/** Chunks are split above this size: an insert costs one chunk's move plus a walk over chunk sizes. */
const MAX_CHUNK = 1024;

/** Ascending keys (compareRecords' order), ties by seq: the one order every walk derives from. */
const compare = (a: Place, b: Place) => compareSortKeys(a.key, b.key, false) || a.seq - b.seq;
const sameKey = (a: Place, b: Place) => compareSortKeys(a.key, b.key, false) === 0;

export class SortedIndex {
  private chunks: Entry[][] = [];
  size = 0;

  constructor(readonly keyOf: (row: Row) => SortKey | undefined) {}

  add(row: Row): void {
    const entry = { key: this.keyOf(row), seq: row.seq, id: row.id };
    if (this.chunks.length === 0) {
      this.chunks.push([entry]);
      this.size = 1;
      return;
    }
    const c = this.chunkFor(entry);
    const chunk = this.chunks[c]!;
    chunk.splice(upper(chunk, entry), 0, entry);
    this.size++;
    if (chunk.length > 2 * MAX_CHUNK) this.chunks.splice(c, 1, chunk.slice(0, MAX_CHUNK), chunk.slice(MAX_CHUNK));
  }

  remove(row: Row): void {
    const place = { key: this.keyOf(row), seq: row.seq };
    const c = this.chunkFor(place);
    const chunk = this.chunks[c];
    if (!chunk) return;
    const i = lower(chunk, place);
    if (chunk[i]?.id !== row.id) return;
    chunk.splice(i, 1);
    this.size--;
    if (chunk.length === 0) this.chunks.splice(c, 1);
  }

  /**
   * Entries in keyset order, from just after `after` (or the start): ascending by key, or
   * descending by key; ties always by ascending seq, as the SQL stores order them.
   */
  *walk(descending: boolean, after?: Place): Generator<Entry> {
    if (!descending) {
      yield* this.forward(after ? this.bound(after, true) : 0);
      return;
    }
    let end = this.size;
    if (after) {
      // The rest of the tie group the previous page stopped in, then every smaller key.
      for (const entry of this.forward(this.bound(after, true))) {
        if (!sameKey(entry, after)) break;
        yield entry;
      }
      end = this.bound({ key: after.key, seq: -Infinity }, false);
    }
    while (end > 0) {
      const last = this.at(end - 1)!;
      const start = this.bound({ key: last.key, seq: -Infinity }, false);
      let i = start;
      for (const entry of this.forward(start)) {
        if (i++ >= end) break;
        yield entry;
      }
      end = start;
    }
  }

  /** Ids whose string key starts with `prefix` (already folded as the keys are). */
  *prefixed(prefix: string): Generator<string> {
    // Strings that read as instants are keyed as numbers (compareRecords), which come first.
    for (const entry of this.forward(0)) {
      if (typeof entry.key !== "number") break;
      yield entry.id;
    }
    for (const entry of this.forward(this.bound({ key: prefix, seq: -Infinity }, false))) {
      if (typeof entry.key !== "string" || !entry.key.startsWith(prefix)) return;
      yield entry.id;
    }
  }

  /** Entries from global position `from` on. */
  *forward(from: number): Generator<Entry> {
    let skip = from;
    for (const chunk of this.chunks) {
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      for (let i = skip; i < chunk.length; i++) yield chunk[i]!;
      skip = 0;
    }
  }

  private at(position: number): Entry | undefined {
    let skip = position;
    for (const chunk of this.chunks) {
      if (skip < chunk.length) return chunk[skip];
      skip -= chunk.length;
    }
    return undefined;
  }

  /** The global position of the first entry after `place` (strict) or not before it. */
  private bound(place: Place, strict: boolean): number {
    let position = 0;
    for (const chunk of this.chunks) {
      const last = chunk[chunk.length - 1]!;
      const c = compare(last, place);
      if (c < 0 || (strict && c === 0)) {
        position += chunk.length;
        continue;
      }
      return position + (strict ? upper(chunk, place) : lower(chunk, place));
    }
    return position;
  }

  /** The chunk a place falls in: the first whose last entry is not before it (else the last one). */
  private chunkFor(place: Place): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(this.chunks[mid]![this.chunks[mid]!.length - 1]!, place) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** First index in a sorted chunk whose entry is after `place`. */
function upper(chunk: readonly Entry[], place: Place): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(chunk[mid]!, place) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in a sorted chunk whose entry is not before `place`. */
function lower(chunk: readonly Entry[], place: Place): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(chunk[mid]!, place) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
