// @ts-check
/**
 * express-scim hands a store its filters and sort keys already mapped to app-record terms: a
 * small tree whose leaves name a path of record keys (`["login"]`, `["office", "locality"]`),
 * the attribute's type and whether it is case-exact. This module turns that tree into a
 * parameterised WHERE clause (and an ORDER BY) over the host's own columns:
 *
 * - a record key with a column of its own reads the column, so `userName eq "x"` (mapped to
 *   `login eq "x"`) is `lower(t.login) = lower($2)`: the unique index answers it;
 * - `id`, `meta.created` and `meta.lastModified` read `id`, `created_at` and `updated_at`;
 * - User `groups.value` and Group `members.value` read the team-members table;
 * - paths into a jsonb column (`office`) or into `extra` (keys with no column) are read with
 *   `jsonb_path_query`, whose lax mode flattens arrays at every step as SCIM filters do, so
 *   `emails[type eq "work" and value co "@x"]` must hold for ONE email.
 *
 * Every literal and every key is a bound parameter. What cannot be compiled is
 * ScimError(400, "invalidFilter"): the store never falls back to reading every row.
 */

const { ScimError } = require("express-scim");

/** @typedef {import("express-scim").ResolvedFilter} ResolvedFilter */
/** @typedef {import("express-scim").ResolvedAttr} ResolvedAttr */
/** @typedef {import("express-scim").SortSpec} SortSpec */
/** @typedef {import("express-scim").Literal} Literal */
/** @typedef {"text" | "boolean" | "jsonb"} ColumnType */

/**
 * What the compiler knows about one table.
 * @typedef {object} TableShape
 * @property {string} alias  the table's alias in the statement
 * @property {Map<string, { column: string, type: ColumnType }>} fields  record key -> column
 * @property {{ name: string, table: string, self: string, other: string }} memberships
 *   e.g. for users `{ name: "groups", table: "acme.app_team_members", self: "user_id", other: "team_id" }`
 */

/**
 * One value a filter compares: an SQL expression and how to read it.
 * @typedef {{ kind: "text" | "boolean" | "uuid" | "instant" | "json", expr: string }} Value
 */
/**
 * Where values come from: one per row, or a set (rows of `from`) tested with EXISTS.
 * @typedef {{ missing: true } | { missing?: false, from?: string, where?: string, value: Value }} Source
 */
/**
 * @typedef {object} Scope
 * @property {(attr: ResolvedAttr) => Source} source
 * @property {(attr: ResolvedAttr) => { from: string, where?: string, scope: Scope }} elements  for value paths
 */

const TRUE = "TRUE";
const FALSE = "FALSE";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Attribute names as RFC 7643 2.1 allows them, plus URNs: never anything that could carry SQL or jsonpath. */
const SAFE_KEY = /^[A-Za-z0-9_$:.-]{1,256}$/;
const ORDER = { eq: "=", gt: ">", ge: ">=", lt: "<", le: "<=" };
const NUMERIC = String.raw`^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$`;

const invalid = (/** @type {string} */ detail) => new ScimError(400, "invalidFilter", detail);

/** Bound parameters of one statement: `add(value)` returns its placeholder. */
class Params {
  /** @param {unknown[]} [first] */
  constructor(first = []) {
    /** @type {unknown[]} */
    this.values = [...first];
  }
  /** @param {unknown} value */
  add(value) {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * @param {ResolvedFilter} filter
 * @param {TableShape} shape
 * @param {Params} params
 * @returns {string} an SQL boolean expression
 */
function compileFilter(filter, shape, params) {
  let aliases = 0;
  const next = () => `j${++aliases}`;
  const p = (/** @type {unknown} */ v) => params.add(v);
  const a = shape.alias;

  /**
   * Values reached from jsonb `base` by `keys`: `lax $."emails"[*]."value"[*]`, where lax mode
   * flattens arrays at each step. Okta may send `roles` as plain strings, which SCIM reads as
   * `{ value: "admin" }`, so a `value` step wraps scalars into that shape first.
   */
  const json = (/** @type {string} */ base, /** @type {readonly string[]} */ keys) => {
    /** @type {string[]} */
    const froms = [];
    let current = base;
    let path = "lax $";
    const query = () => {
      const x = next();
      froms.push(`jsonb_path_query(${current}, ${p(path === "lax $" ? "lax $[*]" : path)}::jsonpath) AS ${x}(v)`);
      return `${x}.v`;
    };
    for (const key of keys) {
      if (key === "value") {
        const v = query();
        current = `CASE WHEN jsonb_typeof(${v}) IN ('string', 'number', 'boolean') THEN jsonb_build_object('value', ${v}) ELSE ${v} END`;
        path = "lax $";
      }
      path += `.${JSON.stringify(key)}[*]`;
    }
    const value = query();
    return { from: froms.join(", "), value: /** @type {Value} */ ({ kind: "json", expr: value }) };
  };

  /** A membership row: `value` is the id at its other end. @returns {Scope} */
  const memberScope = (/** @type {string} */ m) => ({
    source(attr) {
      const keys = keysOf(attr);
      if (keys.length !== 1 || keys[0] !== "value")
        throw invalid(`This store filters ${shape.memberships.name} by value only`);
      return { value: { kind: "uuid", expr: `${m}.${shape.memberships.other}` } };
    },
    elements() {
      throw invalid("Nested value filters are not allowed");
    },
  });

  /** @returns {Scope} */
  const elementScope = (/** @type {string} */ element) => ({
    source: (attr) => json(element, keysOf(attr)),
    elements() {
      throw invalid("Nested value filters are not allowed");
    },
  });

  /** @type {Scope} */
  const row = {
    source(attr) {
      const [head, ...rest] = keysOf(attr);
      if (head === "id" && rest.length === 0) return { value: { kind: "uuid", expr: `${a}.id` } };
      if (head === "meta") {
        if (rest.length === 1 && rest[0] === "created") return { value: { kind: "instant", expr: `${a}.created_at` } };
        if (rest.length === 1 && rest[0] === "lastModified")
          return { value: { kind: "instant", expr: `${a}.updated_at` } };
        throw invalid(`This store cannot filter on meta.${rest.join(".")}`);
      }
      if (head === shape.memberships.name) {
        const m = next();
        const { table, self } = shape.memberships;
        const inner = memberScope(m).source({ ...attr, path: rest.length ? rest : ["value"] });
        if (inner.missing) return inner;
        return { from: `${table} ${m}`, where: `${m}.${self} = ${a}.id`, value: inner.value };
      }
      const field = shape.fields.get(head);
      if (!field) return json(`${a}.extra`, [head, ...rest]);
      if (field.type === "jsonb") return json(`${a}.${field.column}`, rest);
      // A text or boolean column has no sub-attributes: nothing is reached.
      if (rest.length > 0) return { missing: true };
      return { value: { kind: field.type, expr: `${a}.${field.column}` } };
    },
    elements(attr) {
      const [head, ...rest] = keysOf(attr);
      if (head === shape.memberships.name && rest.length === 0) {
        const m = next();
        return {
          from: `${shape.memberships.table} ${m}`,
          where: `${m}.${shape.memberships.self} = ${a}.id`,
          scope: memberScope(m),
        };
      }
      const field = shape.fields.get(head);
      if (head === "id" || head === "meta" || (field && field.type !== "jsonb"))
        throw invalid(`"${attr.path.join(".")}" cannot take a value filter`);
      const { from, value } = field ? json(`${a}.${field.column}`, rest) : json(`${a}.extra`, [head, ...rest]);
      return { from, scope: elementScope(value.expr) };
    },
  };

  /** True when some value of `source` satisfies `predicate`. */
  const test = (/** @type {Source} */ source, /** @type {(v: Value) => string} */ predicate) => {
    if (source.missing) return FALSE;
    if (!source.from) return predicate(source.value);
    return `EXISTS (SELECT 1 FROM ${source.from} WHERE ${source.where ? `${source.where} AND ` : ""}${predicate(source.value)})`;
  };

  /**
   * A missing column compares as NULL, which WHERE, AND, OR and EXISTS read as false, as SCIM
   * does; only NOT would keep it NULL, so NOT folds NULL to false first (`ne` and `not (...)`
   * are true when the attribute is missing).
   */
  const negate = (/** @type {string} */ sql) => `(NOT COALESCE(${sql}, FALSE))`;

  /** @param {ResolvedFilter} f @param {Scope} scope @returns {string} */
  const where = (f, scope) => {
    switch (f.op) {
      case "and":
      case "or":
        if (f.filters.length === 0) return f.op === "and" ? TRUE : FALSE;
        return `(${f.filters.map((x) => where(x, scope)).join(f.op === "and" ? " AND " : " OR ")})`;
      case "not":
        return negate(where(f.filter, scope));
      case "valuePath": {
        const el = scope.elements(f.attrPath);
        return `EXISTS (SELECT 1 FROM ${el.from} WHERE ${el.where ? `${el.where} AND ` : ""}${where(f.filter, el.scope)})`;
      }
      case "pr":
        return test(scope.source(f.attrPath), present);
      case "ne": {
        const attr = f.attrPath;
        return negate(test(scope.source(attr), (v) => compare("eq", attr, v, f.compValue)));
      }
      default: {
        const { op, attrPath: attr, compValue } = f;
        return test(scope.source(attr), (v) => compare(op, attr, v, compValue));
      }
    }
  };

  /** RFC 7644 3.4.2.2 `pr`: null, "", [] and {} are not present. */
  const present = (/** @type {Value} */ v) => {
    if (v.kind === "text") return `(${v.expr} IS NOT NULL AND ${v.expr} <> '')`;
    // Present when some value inside is: { "employeeNumber": "" } is not.
    if (v.kind === "json")
      return `jsonb_path_exists(${v.expr}, 'strict $.** ? ((@.type() == "string" && @ != "") || @.type() == "number" || @.type() == "boolean")')`;
    return `(${v.expr} IS NOT NULL)`;
  };

  /** @param {string} op @param {ResolvedAttr} attr @param {Value} v @param {Literal} literal */
  const compare = (op, attr, v, literal) => {
    if (literal === null) throw invalid("null is only comparable with eq and ne");
    if (attr.type === "complex")
      throw invalid("A complex attribute cannot be compared; name one of its sub-attributes");
    const sqlOp = ORDER[/** @type {keyof typeof ORDER} */ (op)];
    switch (v.kind) {
      case "uuid":
        // Ids are uuids: `eq` uses the primary key; anything that is not a uuid names no row.
        if (op === "eq")
          // Stored in lower case; `id` is case-exact (RFC 7643 3.1), so "ABC…" names no row there.
          return typeof literal === "string" &&
            UUID.test(literal) &&
            (!attr.caseExact || literal === literal.toLowerCase())
            ? `(${v.expr} = ${p(literal)}::uuid)`
            : FALSE;
        return text(op, `${v.expr}::text`, String(literal), attr.caseExact);
      case "instant": {
        if (attr.type !== "dateTime") throw invalid(`"${attr.path.join(".")}" is a dateTime`);
        if (!sqlOp) return FALSE;
        // Shown with millisecond precision, so compared with it.
        return `(date_trunc('milliseconds', ${v.expr}) ${sqlOp} ${p(instant(literal))}::timestamptz)`;
      }
      case "boolean": {
        if (attr.type !== "boolean") throw invalid(`"${attr.path.join(".")}" is stored as a boolean`);
        const b = toBoolean(literal);
        // As in express-scim's own evaluate(): booleans only ever match with eq.
        return op === "eq" && b !== undefined ? `(${v.expr} = ${p(b)}::boolean)` : FALSE;
      }
      case "text":
        if (!["string", "reference", "binary"].includes(attr.type))
          throw invalid(`"${attr.path.join(".")}" is stored as text`);
        return text(op, v.expr, String(literal), attr.caseExact);
      default:
        return compareJson(op, attr, v.expr, literal);
    }
  };

  /** One JSON value against a literal, read by the attribute's type. */
  const compareJson = (
    /** @type {string} */ op,
    /** @type {ResolvedAttr} */ attr,
    /** @type {string} */ j,
    /** @type {Literal} */ literal,
  ) => {
    const sqlOp = ORDER[/** @type {keyof typeof ORDER} */ (op)];
    switch (attr.type) {
      case "boolean": {
        const b = toBoolean(literal);
        // Entra sends "True" and "False" as strings; both spellings match.
        return op === "eq" && b !== undefined
          ? `(lower(btrim(CASE WHEN jsonb_typeof(${j}) IN ('boolean', 'string') THEN ${j} #>> '{}' END, ${p(PADDING)})) = ${p(String(b))})`
          : FALSE;
      }
      case "integer":
      case "decimal":
        if (typeof literal !== "number") throw invalid("A number attribute needs a number literal");
        if (!sqlOp) return FALSE;
        // Numeric strings count as numbers, as in express-scim's own evaluate().
        return (
          `(CASE WHEN jsonb_typeof(${j}) = 'number' OR (jsonb_typeof(${j}) = 'string' AND ${j} #>> '{}' ~ '${NUMERIC}')` +
          ` THEN trim(${j} #>> '{}')::numeric END ${sqlOp} ${p(literal)}::numeric)`
        );
      case "dateTime":
        throw invalid(
          `This store compares dates on meta.created and meta.lastModified only, not on "${attr.path.join(".")}"`,
        );
      default:
        return text(
          op,
          `CASE WHEN jsonb_typeof(${j}) IN ('string', 'number', 'boolean') THEN ${j} #>> '{}' END`,
          String(literal),
          attr.caseExact,
        );
    }
  };

  /** RFC 7644 3.4.2.2: strings compare case-insensitively unless the attribute is caseExact. */
  const text = (
    /** @type {string} */ op,
    /** @type {string} */ expr,
    /** @type {string} */ literal,
    /** @type {boolean} */ caseExact,
  ) => {
    const x = caseExact ? expr : `lower(${expr})`;
    const y = caseExact ? p(literal) : `lower(${p(literal)})`;
    switch (op) {
      case "eq":
        return `(${x} = ${y})`;
      case "co":
        return `(strpos(${x}, ${y}) > 0)`;
      case "sw":
        return `starts_with(${x}, ${y})`;
      case "ew":
        return `(right(${x}, char_length(${y})) = ${y})`;
      default:
        // Ordered by code point, as express-scim's memory store orders strings.
        return `(${x} COLLATE "C" ${ORDER[/** @type {keyof typeof ORDER} */ (op)]} ${y})`;
    }
  };

  return where(filter, row);
}

/**
 * ORDER BY for a sort key: columns only (a jsonb path is 400 invalidValue). RFC 7644 3.4.2.3:
 * missing values last ascending, first descending; ties, and lists without a sort, in the order
 * rows were created, so paging is stable.
 * @param {SortSpec | undefined} spec
 * @param {TableShape} shape
 */
function compileOrder(spec, shape) {
  const a = shape.alias;
  const ties = `${a}.created_at, ${a}.id`;
  if (!spec) return ties;
  const [head, ...rest] = spec.path;
  let key;
  if (head === "id" && rest.length === 0) key = `${a}.id`;
  // SCIM shows instants to the millisecond: rows a microsecond apart are a tie, as they are in filters.
  else if (head === "meta" && rest.length === 1 && rest[0] === "created")
    key = `date_trunc('milliseconds', ${a}.created_at)`;
  else if (head === "meta" && rest.length === 1 && rest[0] === "lastModified")
    key = `date_trunc('milliseconds', ${a}.updated_at)`;
  else {
    const field = shape.fields.get(head);
    if (field && rest.length === 0 && field.type === "boolean") key = `${a}.${field.column}`;
    if (field && rest.length === 0 && field.type === "text") {
      const value = `NULLIF(${a}.${field.column}, '')`;
      key = `${spec.caseExact ? value : `lower(${value})`} COLLATE "C"`;
    }
  }
  if (!key) throw new ScimError(400, "invalidValue", `This store cannot sort by "${spec.path.join(".")}"`);
  return spec.descending ? `${key} DESC NULLS FIRST, ${ties}` : `${key} ASC NULLS LAST, ${ties}`;
}

/** @param {ResolvedAttr} attr */
function keysOf(attr) {
  if (attr.path.length === 0) throw invalid("Empty attribute path");
  for (const key of attr.path) {
    if (!SAFE_KEY.test(key))
      throw invalid(`This store cannot filter on the attribute name ${JSON.stringify(key.slice(0, 64))}`);
  }
  return attr.path;
}

/**
 * What JavaScript's trim() removes: express-scim reads Entra's padded " True " as true, so this
 * store trims the same characters before it compares.
 */
const PADDING = String.fromCodePoint(
  ...[0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff],
  ...Array.from({ length: 11 }, (_, i) => 0x2000 + i),
);

/** @param {Literal} value */
function toBoolean(value) {
  if (typeof value === "boolean") return value;
  const lower = typeof value === "string" ? value.trim().toLowerCase() : "";
  return lower === "true" ? true : lower === "false" ? false : undefined;
}

/** RFC 3339 / xsd:dateTime; no zone means UTC, as in express-scim's filters. */
function instant(/** @type {Literal} */ literal) {
  const m =
    typeof literal === "string"
      ? /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([Zz]|[+-]\d{2}:\d{2})?)?$/.exec(literal)
      : null;
  const ms = m ? Date.parse(`${m[1]}T${m[2] ?? "00:00"}${m[3] ?? "Z"}`) : NaN;
  if (Number.isNaN(ms)) throw invalid("Invalid dateTime literal");
  return new Date(ms).toISOString();
}

module.exports = { compileFilter, compileOrder, Params, UUID };
