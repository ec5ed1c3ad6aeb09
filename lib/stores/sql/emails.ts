/**
 * The values `emails.value` reaches in a user record, folded, as the filter compiler reaches them
 * (arrays flattened at each step, a plain string element read as its own `value`). The emails
 * indexes are built from this one definition: a PostgreSQL function under a GIN index, and the
 * SQLite side table its triggers fill. Schema code only: the keys are the library's constants.
 */
import type { Dialect } from "./dialect";
import { Params } from "./params";

/** Params that write each value into the SQL as a literal, for statements run once by a migration. */
class Literals extends Params {
  override add(value: unknown): string {
    if (typeof value !== "string") throw new TypeError("Only text constants are written as literals");
    return `'${value.replaceAll("'", "''")}'`;
  }
}

/**
 * The folded value (NULL for objects and arrays) and the FROM items yielding one row per value of
 * J `record`; they may follow the table `record` is a column of, in one FROM clause.
 */
export function emailValues(d: Dialect, record: string): { value: string; from: string } {
  const p = new Literals("numbered");
  const emails = d.elements(d.child(p, record, "emails"), "e1");
  const values = d.elements(d.child(p, emails.value, "value"), "e2");
  return { value: d.fold(d.text(values.value)), from: `${emails.from}, ${values.from}` };
}
