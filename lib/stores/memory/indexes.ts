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

/** Every string at `path`, through the multi-valued attributes on the way (`emails.value`: each address). */
function stringsAt(record: unknown, path: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (at: unknown, depth: number): void => {
    if (Array.isArray(at)) for (const element of at) walk(element, depth);
    else if (depth === path.length) {
      if (typeof at === "string") out.push(at);
    } else if (typeof at === "object" && at !== null) walk((at as Record<string, unknown>)[path[depth]!], depth + 1);
  };
  walk(record, 0);
  return out;
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
 * Case-folded string values to ids; a multi-valued path (`emails.value`) indexes each value.
 * Folding makes a hit set a superset of the exact matches whatever the filter's caseExact, so
 * the filter is still evaluated on the candidates.
 */
export class LookupIndex {
  private readonly byValue = new Map<string, Set<string>>();
  constructor(readonly path: string[]) {}

  private keysOf(record: AppRecord): Set<string> {
    return new Set(stringsAt(record, this.path).map(fold));
  }
  candidates(value: string): ReadonlySet<string> {
    return this.byValue.get(fold(value)) ?? new Set();
  }
  add(id: string, record: AppRecord): void {
    for (const k of this.keysOf(record)) {
      let ids = this.byValue.get(k);
      if (!ids) {
        ids = new Set();
        this.byValue.set(k, ids);
      }
      ids.add(id);
    }
  }
  remove(id: string, record: AppRecord): void {
    for (const k of this.keysOf(record)) {
      const ids = this.byValue.get(k);
      ids?.delete(id);
      if (ids?.size === 0) this.byValue.delete(k);
    }
  }
}
