/** The PostgreSQL side of the SQL seam: jsonb values, `$n` parameters, arrays as one parameter. */
import type { StoreDialect } from "../sql/driver";
import { Params } from "../sql/params";
import { fold } from "../../values/fold";
import { FALSE_WORD, PADDING_CODE_POINTS, TRUE_WORD } from "../../values/boolean";

// evaluate's toNumber accepts decimal strings; anything else must not reach a cast.
const NUMBER_TEXT = String.raw`'^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$'`;
// readBoolean (lib/values/boolean.ts) in SQL: trim what String.prototype.trim trims, compare in
// lower case with the same words. The padding comes from that module, so the two cannot drift.
const PADDING = PADDING_CODE_POINTS.map((cp) => `chr(${cp})`).join(" || ");
const booleanWord = (text: string) => `lower(btrim(${text}, ${PADDING}))`;
// evaluate's isPresent: some leaf that is a number, a boolean or a non-empty string.
const PRESENT_PATH = `'lax $.** ? (@.type() == "number" || @.type() == "boolean" || (@.type() == "string" && @ != ""))'`;

/**
 * evaluate() orders strings by UTF-16 code unit; COLLATE "C" orders by code point, which puts
 * U+E000..U+FFFF before astral characters where UTF-16 puts them after. Prefixing each character
 * from U+E000 up (U+E000 before astral ones, U+E001 before the others) makes the two orders
 * agree; strings without such characters are unchanged. utf16OrderKey in ../sqlite/functions.ts
 * is the same mapping.
 */
const utf16Order = (t: string) =>
  String.raw`regexp_replace(regexp_replace(${t}, '[\uE000-\uFFFF]', chr(57345) || '\&', 'g'), '[\U00010000-\U0010FFFF]', chr(57344) || '\&', 'g')`;

export function postgresDialect(schema: string): StoreDialect {
  const S = quoteIdent(schema);
  const text = (v: string) =>
    `(CASE WHEN jsonb_typeof(${v}) IN ('string', 'number', 'boolean') THEN ${v} #>> '{}' END)`;
  return {
    name: "postgres",
    table: (name) => `${S}.${name}`,
    params: () => new Params("numbered"),

    extract: (p, base, keys) => `(${base} #> ${p.add(keys)}::text[])`,
    child: (p, base, key) => {
      const k = `${p.add(key)}::text`;
      // Okta's template app sends roles as plain strings: "admin" reads as { value: "admin" }.
      if (key === "value")
        return `(CASE WHEN jsonb_typeof(${base}) IN ('string', 'number', 'boolean') THEN ${base} ELSE ${base} -> ${k} END)`;
      return `(${base} -> ${k})`;
    },
    elements: (v, alias) => ({
      from: `jsonb_array_elements(CASE WHEN jsonb_typeof(${v}) = 'array' THEN ${v} WHEN ${v} IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(${v}) END) ${alias}(v)`,
      value: `${alias}.v`,
    }),
    text,
    number: (v) =>
      `(CASE jsonb_typeof(${v}) WHEN 'number' THEN (${v} #>> '{}')::numeric` +
      ` WHEN 'string' THEN CASE WHEN (${v} #>> '{}') ~ ${NUMBER_TEXT} THEN (${v} #>> '{}')::numeric END END)`,
    boolean: (v) =>
      `(CASE jsonb_typeof(${v}) WHEN 'boolean' THEN (${v} #>> '{}')::boolean` +
      ` WHEN 'string' THEN CASE ${booleanWord(`${v} #>> '{}'`)} WHEN '${TRUE_WORD}' THEN TRUE WHEN '${FALSE_WORD}' THEN FALSE END END)`,
    instant: (v) => `(CASE WHEN jsonb_typeof(${v}) = 'string' THEN ${S}.scim_instant(${v} #>> '{}') END)`,
    instantOfText: (t) => `${S}.scim_instant(${t})`,
    present: (v) => `jsonb_path_exists(${v}, ${PRESENT_PATH})`,
    pickElement: (v, a) => {
      const elements = `jsonb_array_elements(${v}) WITH ORDINALITY ${a}(e, i)`;
      const primary = `(SELECT ${a}.e FROM ${elements} WHERE jsonb_typeof(${a}.e) = 'object' AND ${booleanWord(`${a}.e ->> 'primary'`)} = '${TRUE_WORD}' ORDER BY ${a}.i LIMIT 1)`;
      const first = `(SELECT ${a}.e FROM ${elements} WHERE ${a}.e NOT IN ('null'::jsonb, '""'::jsonb) ORDER BY ${a}.i LIMIT 1)`;
      return `(CASE WHEN jsonb_typeof(${v}) = 'array' THEN COALESCE(${primary}, ${first}) ELSE ${v} END)`;
    },
    jsonKind: (v) => `jsonb_typeof(${v})`,

    // RFC 7644 3.4.2.2 case-insensitivity, by the library's one fold (lib/values/fold.ts), never
    // lower(), which follows the database's ctype ("İ", a word-final "Σ" and newer letters fold
    // differently there). The unique keys are folded in JavaScript on write into indexed *_fold
    // columns, literals in JavaScript too, and JSON values by scim_fold (migration 5), which is
    // that fold as a table.
    fold: (t) => `${S}.scim_fold(${t})`,
    foldedColumn: (alias, column) => `${alias}.${column}_fold`,
    foldedParam: (p, value) => p.add(fold(value)),
    contains: (a, b) => `(strpos(${a}, ${b}) > 0)`,
    startsWith: (a, b) => `(left(${a}, length(${b})) = ${b})`,
    endsWith: (a, b) => `(right(${a}, length(${b})) = ${b})`,
    ordered: (t) => `(${utf16Order(t)} COLLATE "C")`,
    bytewise: (t) => `(${t} COLLATE "C")`,
    // Instants as 16 digits: milliseconds from year 0000 to 9999, shifted to be positive.
    sortKey: (c, folded) => `(CASE WHEN ${c} <> '' THEN '1' || ${utf16Order(folded)} ELSE '2' END COLLATE "C")`,
    emailsContain: (p, alias, _tenant, folded) =>
      `(${S}.scim_emails(${alias}.record) @> ARRAY[${p.add(folded)}::text])`,
    bool: (p, value) => `${p.add(value)}::boolean`,
    millis: (column) => `floor(extract(epoch FROM ${column}) * 1000)`,
    num: (p, value) => `${p.add(value)}::numeric`,

    json: (p, record) => `${p.add(JSON.stringify(record))}::jsonb`,
    time: (p, date) => `${p.add(date)}::timestamptz`,
    readTime: (value) => (value instanceof Date ? value : new Date(String(value))),
    readJson: (value) => (typeof value === "string" ? JSON.parse(value) : (value as Record<string, unknown>)),
    inList: (p, expr, ids) => `(${expr} = ANY(${p.add(ids)}::text[]))`,
    pairs: (p, pairs, alias) =>
      `unnest(${p.add(pairs.map((x) => x[0]))}::text[], ${p.add(pairs.map((x) => x[1]))}::text[]) AS ${alias}(id, type)`,
    filteredSeq: (alias) => `${alias}.seq`,
    keyShare: " FOR KEY SHARE",
    forUpdate: " FOR NO KEY UPDATE",
    isUniqueViolation: (error) => (error as { code?: unknown } | null)?.code === "23505",
  };
}

/** Schema names are configuration, not client input; still, only plain identifiers are accepted. */
export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new TypeError(
      `postgresStore: schema must be a plain identifier (letters, digits, _), not ${JSON.stringify(name)}.`,
    );
  }
  return `"${name}"`;
}
