/**
 * The SQLite side of the SQL seam: JSON text values, `@pN` named parameters, lists bound as
 * one JSON array. Case folding and the number/instant conversions are JavaScript functions
 * registered on the connection (see functions.ts), so they agree with evaluate() exactly.
 */
import type { StoreDialect } from "../sql/driver";
import { Params } from "../sql/params";
import { fold } from "../../values/fold";
import { FALSE_WORD, PADDING_CODE_POINTS, TRUE_WORD } from "../../values/boolean";

/**
 * readBoolean (lib/values/boolean.ts) in SQL: trim what String.prototype.trim trims, compare in
 * lower case with the same words. The padding comes from that module, so the two cannot drift.
 */
const booleanWord = (text: string) => `scim_lower(trim(${text}, char(${PADDING_CODE_POINTS.join(", ")})))`;

/** A JSON path for SQLite from validated keys: `$."a"."b"` (keys never contain `"`). */
export const jsonPath = (keys: readonly string[]) => `$${keys.map((k) => `."${k}"`).join("")}`;

/** One json_each row as JSON text. */
const elementJson = (a: string) =>
  `(CASE ${a}.type WHEN 'text' THEN json_quote(${a}.value) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'` +
  ` WHEN 'null' THEN 'null' WHEN 'integer' THEN CAST(${a}.value AS TEXT) WHEN 'real' THEN CAST(${a}.value AS TEXT) ELSE ${a}.value END)`;

export function sqliteDialect(): StoreDialect {
  return {
    name: "sqlite",
    table: (name) => `"${name}"`,
    params: () => new Params("named"),

    extract: (p, base, keys) => `(${base} -> ${p.add(jsonPath(keys))})`,
    child: (p, base, key) => {
      const k = p.add(jsonPath([key]));
      // Okta's template app sends roles as plain strings: "admin" reads as { value: "admin" }.
      if (key === "value")
        return `(CASE WHEN json_type(${base}) IN ('text', 'integer', 'real', 'true', 'false') THEN ${base} ELSE ${base} -> ${k} END)`;
      return `(${base} -> ${k})`;
    },
    elements: (v, alias) => ({
      from: `json_each(CASE WHEN json_type(${v}) = 'array' THEN ${v} WHEN ${v} IS NULL THEN '[]' ELSE json_array(json(${v})) END) ${alias}`,
      value: elementJson(alias),
    }),
    text: (v) =>
      `(CASE json_type(${v}) WHEN 'text' THEN ${v} ->> '$' WHEN 'integer' THEN CAST(${v} ->> '$' AS TEXT)` +
      ` WHEN 'real' THEN CAST(${v} ->> '$' AS TEXT) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' END)`,
    number: (v) => `scim_number(${v})`,
    boolean: (v) =>
      `(CASE json_type(${v}) WHEN 'true' THEN 1 WHEN 'false' THEN 0` +
      ` WHEN 'text' THEN CASE ${booleanWord(`${v} ->> '$'`)} WHEN '${TRUE_WORD}' THEN 1 WHEN '${FALSE_WORD}' THEN 0 END END)`,
    instant: (v) => `(CASE WHEN json_type(${v}) = 'text' THEN scim_instant(${v} ->> '$') END)`,
    instantOfText: (t) => `scim_instant(${t})`,
    present: (v) =>
      `EXISTS (SELECT 1 FROM json_tree(${v}) pt WHERE pt.type IN ('integer', 'real', 'true', 'false') OR (pt.type = 'text' AND pt.atom <> ''))`,
    pickElement: (v, a) => {
      const primaryType = `json_type(${a}.value, '$.primary')`;
      const primary =
        `(SELECT ${elementJson(a)} FROM json_each(${v}) ${a} WHERE ${a}.type = 'object'` +
        ` AND (${primaryType} = 'true' OR (${primaryType} = 'text' AND ${booleanWord(`${a}.value ->> '$.primary'`)} = '${TRUE_WORD}')) ORDER BY ${a}.key LIMIT 1)`;
      const first = `(SELECT ${elementJson(a)} FROM json_each(${v}) ${a} WHERE ${a}.type <> 'null' AND NOT (${a}.type = 'text' AND ${a}.atom = '') ORDER BY ${a}.key LIMIT 1)`;
      return `(CASE WHEN json_type(${v}) = 'array' THEN COALESCE(${primary}, ${first}) ELSE ${v} END)`;
    },
    jsonKind: (v) =>
      `(CASE json_type(${v}) WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number' WHEN 'true' THEN 'boolean' WHEN 'false' THEN 'boolean' WHEN 'text' THEN 'string' END)`,

    fold: (t) => `scim_lower(${t})`,
    foldedColumn: (alias, column) => `${alias}.${column}_fold`,
    foldedParam: (p, value) => p.add(fold(value)),
    contains: (a, b) => `(instr(${a}, ${b}) > 0)`,
    // evaluate()'s startsWith/endsWith, in JavaScript: SQLite's length() stops at the first
    // U+0000 of a text, which a stored value or a "\u0000" escape in a filter may hold.
    startsWith: (a, b) => `(scim_starts_with(${a}, ${b}) = 1)`,
    endsWith: (a, b) => `(scim_ends_with(${a}, ${b}) = 1)`,
    ordered: (t) => `scim_order(${t})`,
    bytewise: (t) => t,
    sortKey: (c, folded) => `(CASE WHEN ${c} <> '' THEN '1' || scim_order(${folded}) ELSE '2' END)`,
    emailsContain: (p, alias, tenant, folded) =>
      `(${alias}.id IN (SELECT e.user_id FROM "user_emails" e WHERE e.tenant = ${tenant} AND e.value_fold = ${p.add(folded)}))`,
    bool: (p, value) => p.add(value ? 1 : 0),
    millis: (column) => column,
    num: (p, value) => p.add(value),

    json: (p, record) => p.add(JSON.stringify(record)),
    time: (p, date) => p.add(date.getTime()),
    readTime: (value) => new Date(Number(value)),
    readJson: (value) => JSON.parse(String(value)),
    inList: (p, expr, ids) => `(${expr} IN (SELECT value FROM json_each(${p.add(JSON.stringify(ids))})))`,
    pairs: (p, pairs, alias) =>
      `(SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS type FROM json_each(${p.add(JSON.stringify(pairs))})) ${alias}`,
    filteredSeq: (alias) => `+${alias}.seq`,
    keyShare: "",
    forUpdate: "",
    isUniqueViolation: (error) => {
      const code = (error as { code?: unknown } | null)?.code;
      return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
    },
  };
}
