/**
 * One resource type of one tenant in the memory store. Rows keep insertion order, which gives
 * lists a stable order across pages. Every mutation hands an undo step to `journal`, so a
 * transaction can roll back.
 */
import { resourceNotFound, conflict } from "../../protocol/errors";
import { sortKeyOf } from "../../protocol/filter/sort";
import type { SortSpec } from "../../protocol/filter/ast";
import type { AppRecord, UniqueKey } from "../types";
import { LookupIndex, UniqueIndex, pathKey } from "./indexes";
import type { Row } from "./row";
import { SortedIndex } from "./sorted";

/** A sorted index and the sorts it serves. */
interface Sorted {
  path: readonly string[];
  caseExact: boolean;
  index: SortedIndex;
}

export type Journal = (undo: () => void) => void;

export class Table {
  readonly rows = new Map<string, Row>();
  private readonly unique: UniqueIndex[];
  readonly lookups = new Map<string, LookupIndex>();
  /** Rows in insertion order, for seeking to a cursor's position in an unsorted list. */
  readonly order = new SortedIndex(() => undefined);
  /** Unique keys (userName, displayName) and meta.lastModified, in sort order. */
  private readonly sorted: Sorted[];
  private seq = 0;

  constructor(uniqueKeys: readonly UniqueKey[], lookupPaths: readonly string[][]) {
    this.unique = uniqueKeys.map((k) => new UniqueIndex(k));
    for (const path of [...uniqueKeys.map((k) => k.path), ...lookupPaths]) {
      this.lookups.set(pathKey(path), new LookupIndex(path));
    }
    this.sorted = uniqueKeys.map(({ path, caseExact }) => {
      // Unique keys (userName, displayName, externalId) are strings.
      const spec = { path, caseExact, multiValued: false, type: "string" as const, descending: false };
      return { path, caseExact, index: new SortedIndex((row) => sortKeyOf(row.record, spec)) };
    });
    this.sorted.push({
      path: ["meta", "lastModified"],
      caseExact: false,
      index: new SortedIndex((row) => row.lastModified.getTime()),
    });
  }

  /** The sorted index that orders rows as `spec` does, if there is one. */
  sortedBy(spec: SortSpec): SortedIndex | undefined {
    if (spec.multiValued) return undefined;
    const found = this.sorted.find((s) => pathKey(s.path) === pathKey(spec.path));
    // meta.lastModified is an instant: case does not apply to it.
    if (!found || (found.path[0] !== "meta" && found.caseExact !== spec.caseExact)) return undefined;
    return found.index;
  }

  /** The sorted index on a string attribute that serves `sw` (folded keys), if there is one. */
  prefixIndex(path: readonly string[]): SortedIndex | undefined {
    return this.sorted.find((s) => pathKey(s.path) === pathKey(path) && !s.caseExact && s.path[0] !== "meta")?.index;
  }

  /** The next insertion number; rows keep theirs across versions. */
  nextSeq(): number {
    return ++this.seq;
  }

  /** RFC 7644 3.3: a clash on a unique attribute is 409 `uniqueness`. */
  assertUnique(record: AppRecord, selfId?: string): void {
    for (const index of this.unique) {
      const owner = index.owner(record);
      if (owner !== undefined && owner !== selfId) {
        throw conflict(index.key.path.join("."));
      }
    }
  }

  private index(row: Row): void {
    for (const u of this.unique) u.add(row.id, row.record);
    for (const l of this.lookups.values()) l.add(row.id, row.record);
    this.order.add(row);
    for (const s of this.sorted) s.index.add(row);
  }

  private unindex(row: Row): void {
    for (const u of this.unique) u.remove(row.id, row.record);
    for (const l of this.lookups.values()) l.remove(row.id, row.record);
    this.order.remove(row);
    for (const s of this.sorted) s.index.remove(row);
  }

  insert(row: Row, journal: Journal): void {
    this.assertUnique(row.record);
    this.rows.set(row.id, row);
    this.index(row);
    journal(() => this.drop(row.id, () => {}));
  }

  /** Swaps a row for a new version of itself; the caller built `next` from the current row. */
  update(next: Row, journal: Journal): void {
    const previous = this.rows.get(next.id);
    if (!previous) throw resourceNotFound(next.id);
    this.assertUnique(next.record, next.id);
    this.unindex(previous);
    this.rows.set(next.id, next);
    this.index(next);
    journal(() => this.update(previous, () => {}));
  }

  drop(id: string, journal: Journal): Row | undefined {
    const row = this.rows.get(id);
    if (!row) return undefined;
    this.unindex(row);
    this.rows.delete(id);
    journal(() => this.restore(row));
    return row;
  }

  /** Undo of a drop; Map order puts the row last, which only matters for unsorted listing. */
  private restore(row: Row): void {
    this.rows.set(row.id, row);
    this.index(row);
  }
}
