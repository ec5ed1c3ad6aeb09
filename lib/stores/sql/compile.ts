/**
 * Resolved filters and sorts to SQL, for every SQL store. The result must select exactly the rows
 * `evaluate()` accepts and order them as `compareRecords()` does: the memory store is the
 * reference, and the conformance suite plus __tests__/stores/sql-*.test.ts hold the two together.
 *
 * - Every literal and every attribute key is a bound parameter; keys are also checked against a
 *   strict shape, so a path can never carry SQL.
 * - `id`, `meta.created`, `meta.lastModified`, `userName` (users), `displayName` (groups) and
 *   `externalId` read extracted columns, so `eq` on them is an index scan.
 * - `members` of a group reads the memberships table, one row per member.
 * - Other attributes read the JSON record; multi-valued ones are expanded per element
 *   (EXISTS over jsonb_array_elements / json_each), so a value path holds for ONE element.
 * - A node that cannot be compiled throws ScimError 400 invalidFilter: never a silent scan.
 */
import { preview, invalidValue, invalidFilter } from "../../protocol/errors";
import type { CompareOp, Literal, ResolvedAttr, ResolvedFilter } from "../../protocol/filter/ast";
import { parseInstant } from "../../values/datetime";
import { isSafeKey, type Dialect } from "./dialect";
import type { Params } from "./params";
import type { SortSpec } from "../../protocol/filter/ast";

export type Kind = "users" | "groups";

type Value =
  /** One JSON value (J). */
  | { kind: "json"; expr: string }
  /** An SQL text column; `folded` is its case-folded form as an index has it. */
  | { kind: "text"; expr: string; folded?: string }
  /** An instant column, as milliseconds. */
  | { kind: "instant"; expr: string };

type Source =
  | { kind: "missing" }
  | { kind: "one"; value: Value }
  | { kind: "many"; from: string; where?: string; value: Value };

/** How paths are read at one level: the row, or one element inside a value path. */
interface Scope {
  source(attr: ResolvedAttr): Source;
  /**
   * The rows a value path ranges over, with the scope for its inner filter. No `from` means the
   * inner filter tests the current row itself (`meta[...]`, whose attributes are columns).
   */
  elements(attr: ResolvedAttr): { from?: string; where?: string; scope: Scope };
}

const TRUE = "(1 = 1)";
const FALSE = "(1 = 0)";

export interface CompileOptions {
  dialect: Dialect;
  params: Params;
  kind: Kind;
  /** The alias of the users/groups table in the statement. */
  alias: string;
}

export function compileFilter(filter: ResolvedFilter, options: CompileOptions): string {
  const c = new Compiler(options);
  return c.filter(filter, c.rowScope());
}

/** Sort keys as two SQL expressions: a number (numbers, booleans, instants) and a text. */
export function compileSortKeys(spec: SortSpec, options: CompileOptions): { num: string; txt: string } {
  const c = new Compiler(options);
  return c.sortKeys(spec);
}

/**
 * ORDER BY over keys computed by compileSortKeys (as `num`/`txt` columns of `alias`). RFC 7644
 * 3.4.2.3: missing values last ascending, first descending; numbers before strings, as in
 * compareRecords; ties in insertion order (`seq`), so paging under a sort is stable.
 */
export function orderBy(alias: string, descending: boolean, dialect: Dialect): string {
  const missing = `(${alias}.sort_num IS NULL AND ${alias}.sort_txt IS NULL)`;
  const txt = dialect.ordered(`${alias}.sort_txt`);
  return descending
    ? `${missing} DESC, ${alias}.sort_num DESC NULLS FIRST, ${txt} DESC, ${alias}.seq`
    : `${missing}, ${alias}.sort_num NULLS LAST, ${txt}, ${alias}.seq`;
}

/**
 * RFC 9865 keyset over orderBy's order: the row's place as non-null columns (missing, no number,
 * number, text), selected from `alias`'s sort_num/sort_txt, and a test for "after" one of them.
 * The direction applies to the four keys, never to seq, exactly as in orderBy.
 */
export function keysetColumns(alias: string): string {
  const num = `${alias}.sort_num`;
  const txt = `${alias}.sort_txt`;
  return (
    `CASE WHEN ${num} IS NULL AND ${txt} IS NULL THEN 1 ELSE 0 END AS k_m, ` +
    `CASE WHEN ${num} IS NULL THEN 1 ELSE 0 END AS k_b, COALESCE(${num}, 0) AS k_n, COALESCE(${txt}, '') AS k_t`
  );
}

/** A row's position in keyset order, as keysetAfter reads it back: [k_m, k_b, k_n, k_t, seq]. */
export type KeysetPosition = [number, number, number, string, number];

export function keysetAfter(
  alias: string,
  descending: boolean,
  after: KeysetPosition,
  dialect: Dialect,
  params: Params,
): string {
  const [m, b, n, t, seq] = after;
  const op = descending ? "<" : ">";
  const keys: [string, string][] = [
    [`${alias}.k_m`, dialect.num(params, m)],
    [`${alias}.k_b`, dialect.num(params, b)],
    [`${alias}.k_n`, dialect.num(params, n)],
    [dialect.ordered(`${alias}.k_t`), dialect.ordered(params.add(t))],
  ];
  let test = `${alias}.seq > ${params.add(seq)}`;
  for (const [column, value] of keys.reverse())
    test = `(${column} ${op} ${value} OR (${column} = ${value} AND ${test}))`;
  return test;
}

class Compiler {
  private readonly d: Dialect;
  private readonly p: Params;
  private aliases = 0;

  constructor(private readonly o: CompileOptions) {
    this.d = o.dialect;
    this.p = o.params;
  }

  private alias(): string {
    return `e${++this.aliases}`;
  }

  private keys(path: readonly string[]): readonly string[] {
    if (path.length === 0) throw invalidFilter("Empty attribute path");
    for (const key of path) {
      if (!isSafeKey(key)) throw invalidFilter(`This store cannot filter on the attribute name ${preview(key)}`);
    }
    return path;
  }

  filter(f: ResolvedFilter, scope: Scope): string {
    switch (f.op) {
      case "and":
      case "or":
        if (f.filters.length === 0) return f.op === "and" ? TRUE : FALSE;
        return `(${f.filters.map((x) => this.filter(x, scope)).join(f.op === "and" ? " AND " : " OR ")})`;
      case "not":
        return this.negate(this.filter(f.filter, scope));
      case "valuePath": {
        const { from, where, scope: inner } = scope.elements(f.attrPath);
        if (from === undefined) return `(${this.filter(f.filter, inner)})`;
        return `EXISTS (SELECT 1 FROM ${from} WHERE ${where ? `${where} AND ` : ""}${this.filter(f.filter, inner)})`;
      }
      case "pr":
        return this.over(scope.source(f.attrPath), (v) => this.present(v), false);
      default:
        if (f.compValue === null) throw invalidFilter("null is only comparable with eq and ne");
        // evaluate(): `ne` is NOT (some value eq): true on a missing attribute.
        if (f.op === "ne")
          return this.negate(
            this.over(scope.source(f.attrPath), (v) => this.compare("eq", f.attrPath, v, f.compValue), false),
          );
        return this.over(
          scope.source(f.attrPath),
          (v) => this.compare(f.op as CompareOp, f.attrPath, v, f.compValue),
          false,
        );
    }
  }

  /**
   * Comparisons may be NULL (a missing value), which WHERE, AND, OR and EXISTS all read as
   * false, as evaluate() does; only NOT would turn it into NULL instead of true, so NULL is
   * folded to false there and nowhere else: `user_name_fold = $2` stays bare, as the
   * index has it.
   */
  private negate(sql: string): string {
    return `(NOT COALESCE(${sql}, ${FALSE}))`;
  }

  /** A predicate over every value a source reaches: true when one of them satisfies it. */
  private over(source: Source, predicate: (v: Value) => string, onMissing: boolean): string {
    if (source.kind === "missing") return onMissing ? TRUE : FALSE;
    if (source.kind === "one") return predicate(source.value);
    return `EXISTS (SELECT 1 FROM ${source.from} WHERE ${source.where ? `${source.where} AND ` : ""}${predicate(source.value)})`;
  }

  private present(v: Value): string {
    if (v.kind === "json") return `COALESCE(${this.d.present(v.expr)}, ${FALSE})`;
    if (v.kind === "text") return `(${v.expr} IS NOT NULL AND ${v.expr} <> '')`;
    return `(${v.expr} IS NOT NULL)`;
  }

  private compare(op: CompareOp, attr: ResolvedAttr, v: Value, literal: Literal): string {
    return this.comparison(op, attr, v, literal);
  }

  private comparison(op: CompareOp, attr: ResolvedAttr, v: Value, literal: Literal): string {
    const d = this.d;
    switch (attr.type) {
      case "dateTime": {
        const instant = parseInstant(literal);
        if (instant === undefined) throw invalidFilter("Invalid dateTime literal");
        const sqlOp = ORDER_OPS[op];
        if (!sqlOp) return FALSE;
        const value = v.kind === "instant" ? v.expr : v.kind === "text" ? d.instantOfText(v.expr) : d.instant(v.expr);
        return `(${value} ${sqlOp} ${d.num(this.p, instant)})`;
      }
      case "integer":
      case "decimal": {
        if (typeof literal !== "number") throw invalidFilter("A number attribute needs a number literal");
        const sqlOp = ORDER_OPS[op];
        if (!sqlOp || v.kind !== "json") return FALSE;
        return `(${d.number(v.expr)} ${sqlOp} ${d.num(this.p, literal)})`;
      }
      case "boolean": {
        if (typeof literal !== "boolean") throw invalidFilter("A boolean attribute needs true or false");
        // evaluate(): booleans only ever match with eq.
        if (op !== "eq" || v.kind !== "json") return FALSE;
        return `(${d.boolean(v.expr)} = ${d.bool(this.p, literal)})`;
      }
      case "complex":
        throw invalidFilter("A complex attribute cannot be compared; name one of its sub-attributes");
      default: {
        const text = String(literal);
        let a: string;
        let b: string;
        if (attr.caseExact) {
          a = v.kind === "json" ? d.text(v.expr) : v.expr;
          b = this.p.add(text);
        } else {
          a =
            v.kind === "json"
              ? d.fold(d.text(v.expr))
              : v.kind === "text"
                ? (v.folded ?? d.fold(v.expr))
                : d.fold(v.expr);
          b = d.foldedParam(this.p, text);
        }
        if (v.kind === "instant") return FALSE;
        switch (op) {
          case "eq":
            return `(${a} = ${b})`;
          case "co":
            return d.contains(a, b);
          case "sw":
            return d.startsWith(a, b);
          case "ew":
            return d.endsWith(a, b);
          default:
            return `(${d.ordered(a)} ${ORDER_OPS[op]} ${d.ordered(b)})`;
        }
      }
    }
  }

  // --- scopes ----------------------------------------------------------------------------------

  rowScope(): Scope {
    const { alias, kind } = this.o;
    const record = `${alias}.record`;
    return {
      source: (attr) => {
        const path = this.keys(attr.path);
        const column = this.column(path);
        if (column) return column;
        if (kind === "groups" && path[0] === "members") return this.memberSource(path.slice(1));
        if (!attr.multiValued)
          return { kind: "one", value: { kind: "json", expr: this.d.extract(this.p, record, path) } };
        return this.expand(record, path);
      },
      elements: (attr) => {
        const path = this.keys(attr.path);
        if (kind === "groups" && path.length === 1 && path[0] === "members") {
          const m = this.alias();
          return { from: `${this.d.table("memberships")} ${m}`, where: this.memberJoin(m), scope: this.memberScope(m) };
        }
        // evaluate(): `meta` is one object, so meta[lastModified gt "..."] tests this row's columns.
        if (path.length === 1 && path[0] === "meta") return { scope: this.metaScope() };
        if (this.column(path) || path[0] === "id" || path[0] === "meta")
          throw invalidFilter(`"${path.join(".")}" cannot take a value filter`);
        const source = this.expand(record, path);
        return { from: source.from, scope: this.elementScope(source.value.expr) };
      },
    };
  }

  /** The reserved and extracted attributes of a row. */
  private column(path: readonly string[]): Source | undefined {
    const { alias, kind } = this.o;
    const [head, ...rest] = path;
    if (head === "id" && rest.length === 0) {
      // Ids are generated lower-case, so the column is its own folded form (and index).
      return { kind: "one", value: { kind: "text", expr: `${alias}.id`, folded: `${alias}.id` } };
    }
    if (head === "meta") {
      // evaluate(): `meta pr` holds for every row, since meta.created always does.
      if (rest.length === 0)
        return { kind: "one", value: { kind: "instant", expr: this.d.millis(`${alias}.created`) } };
      if (rest.length !== 1) return { kind: "missing" };
      if (rest[0] === "created")
        return { kind: "one", value: { kind: "instant", expr: this.d.millis(`${alias}.created`) } };
      if (rest[0] === "lastModified")
        return { kind: "one", value: { kind: "instant", expr: this.d.millis(`${alias}.last_modified`) } };
      if (rest[0] === "version")
        return { kind: "one", value: { kind: "text", expr: `CAST(${alias}.version AS TEXT)` } };
      return { kind: "missing" };
    }
    if (rest.length > 0) return undefined;
    if (head === "externalId") return { kind: "one", value: { kind: "text", expr: `${alias}.external_id` } };
    if (kind === "users" && head === "userName") {
      return {
        kind: "one",
        value: { kind: "text", expr: `${alias}.user_name`, folded: this.d.foldedColumn(alias, "user_name") },
      };
    }
    if (kind === "groups" && head === "displayName") {
      return {
        kind: "one",
        value: { kind: "text", expr: `${alias}.display_name`, folded: this.d.foldedColumn(alias, "display_name") },
      };
    }
    return undefined;
  }

  /** Values reached from J `base` by `path`, arrays flattened at every step (evaluate's reach). */
  private expand(
    base: string,
    path: readonly string[],
  ): { kind: "many"; from: string; value: { kind: "json"; expr: string } } {
    const froms: string[] = [];
    let current = base;
    for (const key of path) {
      const el = this.d.elements(this.d.child(this.p, current, key), this.alias());
      froms.push(el.from);
      current = el.value;
    }
    return { kind: "many", from: froms.join(", "), value: { kind: "json", expr: current } };
  }

  /** Inside `meta[...]`: sub-attributes of this row's meta, which are all columns. */
  private metaScope(): Scope {
    return {
      source: (attr) => this.column(["meta", ...this.keys(attr.path)]) ?? { kind: "missing" },
      elements: () => {
        throw invalidFilter("Nested value filters are not allowed");
      },
    };
  }

  /** Inside `emails[...]`: paths are relative to one element (J). */
  private elementScope(element: string): Scope {
    return {
      source: (attr) => {
        const path = this.keys(attr.path);
        const [only, ...more] = path;
        if (!attr.multiValued && only !== undefined && more.length === 0)
          return { kind: "one", value: { kind: "json", expr: this.d.child(this.p, element, only) } };
        return this.expand(element, path);
      },
      elements: () => {
        throw invalidFilter("Nested value filters are not allowed");
      },
    };
  }

  private memberJoin(m: string): string {
    return `${m}.tenant = ${this.o.alias}.tenant AND ${m}.group_id = ${this.o.alias}.id`;
  }

  /** `members.value`, `members.type`, `members.display` (and `members` itself) of a group. */
  private memberSource(sub: readonly string[]): Source {
    const m = this.alias();
    const scope = this.memberScope(m);
    const source = scope.source({
      path: sub.length ? [...sub] : ["value"],
      type: "string",
      caseExact: true,
      multiValued: false,
    });
    if (source.kind !== "one") return source;
    return {
      kind: "many",
      from: `${this.d.table("memberships")} ${m}`,
      where: this.memberJoin(m),
      value: source.value,
    };
  }

  private memberScope(m: string): Scope {
    return {
      source: (attr) => {
        const path = this.keys(attr.path);
        if (path.length !== 1) return { kind: "missing" };
        switch (path[0]) {
          case "value":
            // Ids are generated lower-case: the column is its own folded form, and indexed.
            return { kind: "one", value: { kind: "text", expr: `${m}.member_id`, folded: `${m}.member_id` } };
          case "type":
            return { kind: "one", value: { kind: "text", expr: `${m}.member_type` } };
          case "display": {
            const users = this.d.table("users");
            const groups = this.d.table("groups");
            const display =
              `COALESCE((SELECT u.display FROM ${users} u WHERE u.tenant = ${m}.tenant AND u.id = ${m}.member_id AND ${m}.member_type = 'User'),` +
              ` (SELECT g.display FROM ${groups} g WHERE g.tenant = ${m}.tenant AND g.id = ${m}.member_id AND ${m}.member_type = 'Group'))`;
            return { kind: "one", value: { kind: "text", expr: display } };
          }
          default:
            return { kind: "missing" };
        }
      },
      elements: () => {
        throw invalidFilter("Nested value filters are not allowed");
      },
    };
  }

  // --- sorting ---------------------------------------------------------------------------------

  sortKeys(spec: SortSpec): { num: string; txt: string } {
    const { alias, kind } = this.o;
    const path = this.keys(spec.path);
    const fold = (t: string) => (spec.caseExact ? t : this.d.fold(t));
    if (kind === "groups" && path[0] === "members") throw invalidValue("Groups cannot be sorted by members");
    const column = this.column(path);
    if (column?.kind === "missing") return { num: "NULL", txt: "NULL" };
    if (column?.kind === "one") {
      const v = column.value;
      if (v.kind === "instant") return { num: v.expr, txt: "NULL" };
      // As compareRecords: a text column holding a dateTime sorts as instants, any other as text.
      const num = spec.type === "dateTime" ? this.d.instantOfText(v.expr) : "NULL";
      const folded = spec.caseExact ? v.expr : ((v.kind === "text" ? v.folded : undefined) ?? this.d.fold(v.expr));
      return { num, txt: `CASE WHEN ${num} IS NULL AND ${v.expr} <> '' THEN ${folded} END` };
    }
    let value = `${alias}.record`;
    if (!spec.multiValued) {
      value = this.d.extract(this.p, value, path);
    } else {
      // Each step is computed once, in its own subquery: child() and pickElement() repeat their
      // argument, so nesting them as text grew the statement exponentially (930 KB for emails.value).
      const pick = (expr: string) => this.once(expr, (v) => this.d.pickElement(v, this.alias()));
      for (const key of path) value = this.once(pick(value), (v) => this.d.child(this.p, v, key));
      value = pick(value);
    }
    const num = this.once(value, (v) => {
      const k = this.d.jsonKind(v);
      return (
        `CASE ${k} WHEN 'number' THEN ${this.d.number(v)}` +
        ` WHEN 'boolean' THEN ${this.bit(v)} WHEN 'string' THEN ${this.typedString(v, spec)} END`
      );
    });
    const txt = this.once(value, (v) => {
      const text = this.d.text(v);
      return `CASE WHEN ${this.d.jsonKind(v)} = 'string' AND ${this.typedString(v, spec)} IS NULL AND ${text} <> '' THEN ${fold(text)} END`;
    });
    return { num, txt };
  }

  /** compareRecords' key for a JSON string: an instant (dateTime), 1/0 (boolean), else NULL (text). */
  private typedString(v: string, spec: SortSpec): string {
    if (spec.type === "dateTime") return this.d.instant(v);
    if (spec.type === "boolean") return this.bit(v);
    return "NULL";
  }

  /** readBoolean of J as 1/0; NULL when it spells no boolean. */
  private bit(v: string): string {
    const b = this.d.boolean(v);
    return `CASE WHEN ${b} = ${this.d.bool(this.p, true)} THEN 1 WHEN ${b} = ${this.d.bool(this.p, false)} THEN 0 END`;
  }

  /**
   * `body` over the value of `expr`, which is written (and computed) once: a scalar subquery.
   * LIMIT 1 (of one row) keeps planners from pulling the subquery up and pasting `expr` into every
   * use of `v` again, which PostgreSQL's does.
   */
  private once(expr: string, body: (value: string) => string): string {
    const a = this.alias();
    return `(SELECT ${body(`${a}.v`)} FROM (SELECT ${expr} AS v LIMIT 1) ${a})`;
  }
}

const ORDER_OPS: Partial<Record<CompareOp, string>> = { eq: "=", gt: ">", ge: ">=", lt: "<", le: "<=" };
