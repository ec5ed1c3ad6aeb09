/**
 * JavaScript functions registered on every SQLite connection of the store, so that folding and
 * conversions are evaluate()'s own: SQLite's lower() folds ASCII only, and it has no parser
 * for RFC 3339 instants. All are deterministic and NULL-safe.
 */
import type Database from "better-sqlite3";
import { parseInstant } from "../../protocol/filter/evaluate";

export function registerFunctions(db: Database.Database): void {
  const options = { deterministic: true, varargs: false } as const;
  db.function("scim_lower", options, (text: unknown) => (typeof text === "string" ? text.toLowerCase() : text === null ? null : String(text).toLowerCase()));
  db.function("scim_instant", options, (text: unknown) => (typeof text === "string" ? (parseInstant(text) ?? null) : null));
  // evaluate's toNumber over one JSON value (as JSON text).
  db.function("scim_number", options, (json: unknown) => {
    if (typeof json !== "string") return null;
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      return null;
    }
    const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
    return Number.isFinite(n) ? n : null;
  });
}
