/**
 * One resource type of one tenant in the memory store. Rows keep insertion order, which gives
 * lists a stable order across pages. Every mutation hands an undo step to `journal`, so a
 * transaction can roll back.
 */
import { resourceNotFound, conflict } from "../../protocol/errors";
import type { AppRecord, UniqueKey } from "../types";
import { LookupIndex, UniqueIndex, pathKey } from "./indexes";

export interface Row {
  id: string;
  version: number;
  created: Date;
  lastModified: Date;
  record: AppRecord;
}

export type Journal = (undo: () => void) => void;

export class Table {
  readonly rows = new Map<string, Row>();
  private readonly unique: UniqueIndex[];
  readonly lookups = new Map<string, LookupIndex>();

  constructor(uniqueKeys: readonly UniqueKey[], lookupPaths: readonly string[][]) {
    this.unique = uniqueKeys.map((k) => new UniqueIndex(k));
    for (const path of [...uniqueKeys.map((k) => k.path), ...lookupPaths]) {
      this.lookups.set(pathKey(path), new LookupIndex(path));
    }
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
  }

  private unindex(row: Row): void {
    for (const u of this.unique) u.remove(row.id, row.record);
    for (const l of this.lookups.values()) l.remove(row.id, row.record);
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
