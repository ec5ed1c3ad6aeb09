/**
 * The seam between the shared SQL code (filter compiler, store operations) and one database.
 * Each method returns a fragment of SQL; every value in it is a placeholder from `Params`.
 *
 * "J" below is an SQL expression holding one JSON value: `jsonb` in PostgreSQL, JSON text in
 * SQLite. SQL NULL means "nothing reached" (a missing key).
 */
import type { Params } from "./params";

export interface ElementsSql {
  /** A FROM item yielding one row per element (arrays flattened one level, scalars as one row). */
  from: string;
  /** The element as J. */
  value: string;
}

export interface Dialect {
  readonly name: "postgres" | "sqlite";
  /** A table, qualified by the store's schema where the database has schemas. */
  table(
    name:
      | "users"
      | "groups"
      | "memberships"
      | "tokens"
      | "audit"
      | "request_log"
      | "tenant_counts"
      | "events"
      | "event_counters"
      | "deliveries",
  ): string;

  // --- JSON values -------------------------------------------------------------------------
  /** J reached by following `keys` (already validated) from J `base`, without flattening arrays. */
  extract(p: Params, base: string, keys: readonly string[]): string;
  /** One step of evaluate's childOf: key of an object, or a primitive itself for the key `value`. */
  child(p: Params, base: string, key: string): string;
  /** Elements of J `value` (an array's elements, a non-array as itself, nothing for NULL). */
  elements(value: string, alias: string): ElementsSql;
  /** evaluate's toText: strings, numbers and booleans as text; NULL otherwise. */
  text(value: string): string;
  /** evaluate's toNumber. */
  number(value: string): string;
  /** readBoolean (lib/values/boolean.ts), as an SQL boolean (PostgreSQL) or 1/0 (SQLite). */
  boolean(value: string): string;
  /** evaluate's parseInstant for J, as milliseconds since the epoch. */
  instant(value: string): string;
  /** parseInstant for an SQL text expression (a column), as milliseconds. */
  instantOfText(text: string): string;
  /** evaluate's isPresent: some non-empty leaf. */
  present(value: string): string;
  /** sort's pickElement: the primary element of an array, else its first non-empty one. */
  pickElement(value: string, alias: string): string;
  /** JSON type name of J for sort keys: "number" | "boolean" | "string" | other. */
  jsonKind(value: string): string;

  // --- text --------------------------------------------------------------------------------
  /** RFC 7644 3.4.2.2 case-insensitive comparison: fold an SQL text expression. */
  fold(text: string): string;
  /** A text column compared case-insensitively, as its index has it. */
  foldedColumn(alias: string, column: "user_name" | "display_name"): string;
  /** A literal placeholder folded the same way (PostgreSQL folds in SQL, SQLite in JS). */
  foldedParam(p: Params, value: string): string;
  contains(haystack: string, needle: string): string;
  startsWith(text: string, prefix: string): string;
  endsWith(text: string, suffix: string): string;
  /**
   * A key whose byte order is the UTF-16 code-unit order evaluate() and compareRecords() use
   * (JavaScript's `<`), whatever the database's collation. Code-point order is not enough: UTF-16
   * puts astral characters (surrogates, U+D800..) before U+E000..U+FFFF. Both sides of an
   * ordering comparison go through it.
   */
  ordered(text: string): string;
  /**
   * `text` compared byte by byte (UTF-8 bytes, so code point by code point), as the prefix
   * indexes hold the folded keys and externalId: PostgreSQL's COLLATE "C", SQLite's default.
   */
  bytewise(text: string): string;
  /**
   * The sort key of userName / a group's displayName (string attributes, so text even when a
   * value looks like a date) as one text whose byte order is compareRecords': the folded text in
   * UTF-16 order, missing and "" last, so that an index on it serves `sortBy`. The migrations index this same expression
   * over bare columns; a change here needs a migration that rebuilds those indexes.
   */
  sortKey(column: string, folded: string): string;
  /**
   * A condition the users' emails index answers: some `emails.value` of the row folds to
   * `folded` (the compiler still tests the values themselves after it).
   */
  emailsContain(p: Params, alias: string, tenant: string, folded: string): string;
  /** A boolean literal placeholder. */
  bool(p: Params, value: boolean): string;
  /** A Date as a bound value of a timestamp column (`created`, `last_modified`). */
  time(p: Params, date: Date): string;
  /** An instant (ms) column as ms. */
  millis(column: string): string;
  /** A number literal placeholder. */
  num(p: Params, value: number): string;
}

/** Attribute keys reach SQL as bound parameters, and are also held to a strict shape. */
const KEY = /^[A-Za-z0-9_$:.-]{1,256}$/;
export const isSafeKey = (key: string) => KEY.test(key);
