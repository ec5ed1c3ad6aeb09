/**
 * JavaScript functions registered on every SQLite connection of the store, so that folding and
 * conversions are evaluate()'s own: SQLite's lower() folds ASCII only, and it has no parser
 * for RFC 3339 instants. All are deterministic and NULL-safe.
 */
import type Database from "better-sqlite3";
import { parseInstant } from "../../values/datetime";
import { fold } from "../../values/fold";

export function registerFunctions(db: Database.Database): void {
  const options = { deterministic: true, varargs: false } as const;
  db.function("scim_lower", options, (text: unknown) =>
    typeof text === "string" ? fold(text) : text === null ? null : fold(String(text)),
  );
  // 1, 0, or NULL when either side is NULL (a missing value), as SQL comparisons answer.
  db.function("scim_starts_with", options, (text: unknown, prefix: unknown) =>
    typeof text === "string" && typeof prefix === "string" ? Number(text.startsWith(prefix)) : null,
  );
  db.function("scim_ends_with", options, (text: unknown, suffix: unknown) =>
    typeof text === "string" && typeof suffix === "string" ? Number(text.endsWith(suffix)) : null,
  );
  db.function("scim_order", options, (text: unknown) => (typeof text === "string" ? utf16OrderKey(text) : text));
  db.function("scim_instant", options, (text: unknown) =>
    typeof text === "string" ? (parseInstant(text) ?? null) : null,
  );
  // evaluate's toNumber over one JSON value (as JSON text).
  db.function("scim_number", options, (json: unknown) => {
    if (typeof json !== "string") return null;
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      return null;
    }
    const n =
      typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
    return Number.isFinite(n) ? n : null;
  });
}

/**
 * A string whose code-point order (SQLite's BINARY collation compares UTF-8 bytes) is the UTF-16
 * code-unit order of `text`, which is how JavaScript and so evaluate() order strings: astral
 * characters (surrogate pairs, from U+D800) come before U+E000..U+FFFF. Each character from
 * U+E000 up gets a prefix, U+E000 before astral ones and U+E001 before the others; the result is
 * a prefix code that keeps every other comparison as it was (and most strings unchanged).
 */
export function utf16OrderKey(text: string): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += cp >= 0x10000 ? `\uE000${ch}` : cp >= 0xe000 ? `\uE001${ch}` : ch;
  }
  return out;
}
