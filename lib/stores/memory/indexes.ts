/**
 * Lookup structures for one table of the memory store: unique keys (enforced) and folded
 * lookup indexes (candidates for `eq` filters). Both are keyed by a path into the record.
 */
import type { AppRecord, UniqueKey } from "../types";
import { fold } from "../../values/fold";

export function valueAt(record: unknown, path: readonly string[]): unknown {
  let at: unknown = record;
  for (const key of path) {
    if (typeof at !== "object" || at === null || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

const folded = (v: string, caseExact: boolean) => (caseExact ? v : fold(v));
export const pathKey = (path: readonly string[]) => path.join("\u0000");

/** Unique values per key; `owner` answers which id holds a value. */
export class UniqueIndex {
  private readonly byValue = new Map<string, string>();
  constructor(readonly key: UniqueKey) {}

  private keyOf(record: AppRecord): string | undefined {
    const v = valueAt(record, this.key.path);
    return typeof v === "string" ? folded(v, this.key.caseExact) : undefined;
  }
  owner(record: AppRecord): string | undefined {
    const k = this.keyOf(record);
    return k === undefined ? undefined : this.byValue.get(k);
  }
  add(id: string, record: AppRecord): void {
    const k = this.keyOf(record);
    if (k !== undefined) this.byValue.set(k, id);
  }
  remove(id: string, record: AppRecord): void {
    const k = this.keyOf(record);
    if (k !== undefined && this.byValue.get(k) === id) this.byValue.delete(k);
  }
}

/**
 * Case-folded string values to ids. Folding makes a hit set a superset of the exact matches
 * whatever the filter's caseExact, so the filter is still evaluated on the candidates.
 */
export class LookupIndex {
  private readonly byValue = new Map<string, Set<string>>();
  constructor(readonly path: string[]) {}

  private keyOf(record: AppRecord): string | undefined {
    const v = valueAt(record, this.path);
    return typeof v === "string" ? fold(v) : undefined;
  }
  candidates(value: string): ReadonlySet<string> {
    return this.byValue.get(fold(value)) ?? new Set();
  }
  add(id: string, record: AppRecord): void {
    const k = this.keyOf(record);
    if (k === undefined) return;
    let ids = this.byValue.get(k);
    if (!ids) {
      ids = new Set();
      this.byValue.set(k, ids);
    }
    ids.add(id);
  }
  remove(id: string, record: AppRecord): void {
    const k = this.keyOf(record);
    if (k === undefined) return;
    const ids = this.byValue.get(k);
    ids?.delete(id);
    if (ids?.size === 0) this.byValue.delete(k);
  }
}
