/** How store rows are read from SQL and what a write copies into indexed columns. */
import { fold } from "../../values/fold";
import type { AppRecord, Stored } from "../types";
import type { Kind } from "./compile";
import type { SqlRow, StoreDialect } from "./driver";

export const COLUMNS = "t.id, t.version, t.created, t.last_modified, t.record";
/** RETURNING may not name the table (SQLite), so its columns go unqualified. */
export const RETURNING = "id, version, created, last_modified, record";

export function storedRow(d: StoreDialect, row: SqlRow): Stored {
  return {
    id: String(row.id),
    version: String(row.version),
    created: d.readTime(row.created),
    lastModified: d.readTime(row.last_modified),
    record: d.readJson(row.record),
  };
}

/** The row a statement answers without fail (COUNT(*), INSERT ... RETURNING); none means a broken driver. */
export function onlyRow(rows: SqlRow[]): SqlRow {
  const [row] = rows;
  if (!row) throw new Error("express-scim: the database answered no row to a statement that always returns one");
  return row;
}

/**
 * Values copied out of a record into indexed columns. The unique keys are also kept folded
 * (`*_fold`), by the library's one fold (lib/values/fold.ts) rather than a database's lower(),
 * so uniqueness, `eq` and sorting agree with the memory store on every character.
 */
export function extracted(kind: Kind, record: AppRecord): Record<string, string | null> {
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  const display = record.displayName ?? record.userName;
  const columns: Record<string, string | null> = { external_id: str(record.externalId), display: str(display) };
  const key = kind === "users" ? "user_name" : "display_name";
  const value = str(kind === "users" ? record.userName : record.displayName);
  columns[key] = value;
  columns[`${key}_fold`] = value === null ? null : fold(value);
  return columns;
}
