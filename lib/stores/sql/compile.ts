/**
 * Resolved filters and sorts to SQL, for every SQL store. The result must select exactly the rows
 * `evaluate()` accepts and order them as `compareRecords()` does: the memory store is the
 * reference, and the conformance suite plus __tests__/stores/sql-*.test.ts hold the two together.
 *
 * - Every literal and every attribute key is a bound parameter; keys are also checked against a
 *   strict shape, so a path can never carry SQL.
 * - `id`, `meta.created`, `meta.lastModified`, `userName` (users), `displayName` (groups) and
 *   `externalId` read extracted columns, written so their indexes serve them: `eq`, `sw` as a
 *   range of the column in byte order, instants as ranges of the column itself.
 * - `members` of a group reads the memberships table, one row per member, as `id IN (groups
 *   holding ...)`, which its (tenant, member_id) index answers.
 * - `emails.value eq` on users is narrowed by the store's emails index first (Dialect.emailsContain).
 * - Other attributes read the JSON record; multi-valued ones are expanded per element
 *   (EXISTS over jsonb_array_elements / json_each), so a value path holds for ONE element.
 * - A node that cannot be compiled throws ScimError 400 invalidFilter: never a silent scan.
 */
import { preview, invalidValue, invalidFilter } from "../../protocol/errors";
import type { CompareOp, Literal, ResolvedAttr, ResolvedFilter } from "../../protocol/filter/ast";
import { parseInstant } from "../../values/datetime";
import { fold } from "../../values/fold";
import { isSafeKey, type Dialect } from "./dialect";
import type { Params } from "./params";
import type { SortSpec } from "../../protocol/filter/ast";

export type Kind = "users" | "groups";

type Value =
  /** One JSON value (J). */
  | { kind: "json"; expr: string }
  /**
   * An SQL text column; `folded` is its case-folded form as an index has it, and `exact` says
   * that `expr` itself is indexed: both serve `eq` and `sw` from the index.
   */
  | { kind: "text"; expr: string; folded?: string; exact?: boolean }
  /** An instant column, as milliseconds; `column` is the column itself, which its index has. */
  | { kind: "instant"; expr: string; column?: string };

/**
 * Rows holding the values of a multi-valued attribute. With `key`, the rows are not correlated
 * with the outer row: the test is `key.outer IN (SELECT key.inner ...)`, which an index on the
 * inner rows answers without visiting every outer row; otherwise it is EXISTS.
 */
interface Many {
  from: string;
  where?: string;
  key?: { outer: string; inner: string };
}

type Source = { kind: "missing" } | { kind: "one"; value: Value } | ({ kind: "many"; value: Value } & Many);

type Comparison = Extract<ResolvedFilter, { compValue: Literal }>;
type ValuePath = Extract<ResolvedFilter, { op: "valuePath" }>;

/** How paths are read at one level: the row, or one element inside a value path. */
interface Scope {
  source(attr: ResolvedAttr): Source;
  /**
   * The rows a value path ranges over, with the scope for its inner filter. No `from` means the
   * inner filter tests the current row itself (`meta[...]`, whose attributes are columns).
   */
  elements(attr: ResolvedAttr): Partial<Many> & { scope: Scope };
  /** A condition an index answers that every row satisfying `f` meets, to narrow a scan first. */
  narrow?(f: Comparison | ValuePath): string | undefined;
}

const TRUE = "(1 = 1)";
const FALSE = "(1 = 0)";

export interface CompileOptions {
  dialect: Dialect;
  params: Params;
  kind: Kind;
  /** The alias of the users/groups table in the statement. */
  alias: string;
  /**
   * The tenant's placeholder, which the statement already limits `alias` to: subqueries over
   * other tables then need not be correlated with each row. Without it, they are.
   */
  tenant?: string;
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
 * ORDER BY for the sorts an index holds as they are: `meta.lastModified`, and `userName` (users)
 * or `displayName` (groups) compared case-insensitively, whose key is Dialect.sortKey, the
 * expression the migrations index. Same order as orderBy() below, ties in insertion order.
 * Undefined for other sorts, which compute their keys per row.
 */
export function indexedOrder(spec: SortSpec, options: CompileOptions): string | undefined {
  const { alias, kind, dialect } = options;
  const direction = spec.descending ? " DESC" : "";
  const sorted = INDEXED_SORTS[kind].find(
    (s) => s.path.join(".") === spec.path.join(".") && (s.caseExact === undefined || s.caseExact === spec.caseExact),
  );
  if (spec.multiValued || !sorted) return undefined;
  if (sorted.column === "last_modified") return `${alias}.last_modified${direction}, ${alias}.seq`;
  const key = dialect.sortKey(`${alias}.${sorted.column}`, `${alias}.${sorted.column}_fold`);
  return `${key}${direction}, ${alias}.seq`;
}

/** The sorts indexedOrder reads along an index (Store.costs.sorted tells the work budget). */
export const INDEXED_SORTS: Record<
  Kind,
  readonly { path: readonly string[]; caseExact?: boolean; column: "user_name" | "display_name" | "last_modified" }[]
> = {
  users: [
    { path: ["userName"], caseExact: false, column: "user_name" },
    { path: ["meta", "lastModified"], column: "last_modified" },
  ],
  // Not groups' lastModified: member changes move it, and indexing it would slow each of them.
  groups: [{ path: ["displayName"], caseExact: false, column: "display_name" }],
};

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
        const { from, scope: inner, ...many } = scope.elements(f.attrPath);
        if (from === undefined) return `(${this.filter(f.filter, inner)})`;
        const sql = this.some({ from, ...many }, this.filter(f.filter, inner));
        const narrowed = scope.narrow?.(f);
        return narrowed ? `(${narrowed} AND ${sql})` : sql;
      }
      case "pr":
        return this.over(scope.source(f.attrPath), (v) => this.present(v), false);
      case "eq":
      case "ne":
      case "co":
      case "sw":
      case "ew":
      case "gt":
      case "ge":
      case "lt":
      case "le": {
        if (f.compValue === null) throw invalidFilter("null is only comparable with eq and ne");
        // evaluate(): `ne` is NOT (some value eq): true on a missing attribute.
        if (f.op === "ne")
          return this.negate(
            this.over(scope.source(f.attrPath), (v) => this.comparison("eq", f.attrPath, v, f.compValue), false),
          );
        const op = f.op;
        const sql = this.over(scope.source(f.attrPath), (v) => this.comparison(op, f.attrPath, v, f.compValue), false);
        const narrowed = scope.narrow?.(f);
        return narrowed ? `(${narrowed} AND ${sql})` : sql;
      }
      default:
        return unreachable(f);
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
    return this.some(source, predicate(source.value));
  }

  /** Some row of `many` satisfies `predicate`. */
  private some(many: Many, predicate: string): string {
    const where = `${many.where ? `${many.where} AND ` : ""}${predicate}`;
    if (many.key) return `(${many.key.outer} IN (SELECT ${many.key.inner} FROM ${many.from} WHERE ${where}))`;
    return `EXISTS (SELECT 1 FROM ${many.from} WHERE ${where})`;
  }

  private present(v: Value): string {
    if (v.kind === "json") return `COALESCE(${this.d.present(v.expr)}, ${FALSE})`;
    if (v.kind === "text") return `(${v.expr} IS NOT NULL AND ${v.expr} <> '')`;
    return `(${v.expr} IS NOT NULL)`;
  }

  private comparison(op: CompareOp, attr: ResolvedAttr, v: Value, literal: Literal): string {
    const d = this.d;
    switch (attr.type) {
      case "dateTime": {
        const instant = parseInstant(literal);
        if (instant === undefined) throw invalidFilter("Invalid dateTime literal");
        if (v.kind === "instant" && v.column) return this.instantRange(op, v.column, instant);
        const sqlOp = orderOp(op);
        if (!sqlOp) return FALSE;
        const value = v.kind === "instant" ? v.expr : v.kind === "text" ? d.instantOfText(v.expr) : d.instant(v.expr);
        return `(${value} ${sqlOp} ${d.num(this.p, instant)})`;
      }
      case "integer":
      case "decimal": {
        if (typeof literal !== "number") throw invalidFilter("A number attribute needs a number literal");
        const sqlOp = orderOp(op);
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
      case "string":
      case "reference":
      case "binary": {
        if (v.kind === "instant") return FALSE;
        const text = String(literal);
        const a = attr.caseExact
          ? v.kind === "json"
            ? d.text(v.expr)
            : v.expr
          : v.kind === "json"
            ? d.fold(d.text(v.expr))
            : (v.folded ?? d.fold(v.expr));
        // `a` is then an indexed column as it is: a prefix is a range of it, in byte order.
        const indexed = v.kind === "text" && (attr.caseExact ? v.exact === true : v.folded !== undefined);
        const range = op === "sw" && indexed ? this.prefixRange(a, attr.caseExact ? text : fold(text)) : undefined;
        if (range) return range;
        const b = attr.caseExact ? this.p.add(text) : d.foldedParam(this.p, text);
        switch (op) {
          case "eq":
            return `(${a} = ${b})`;
          case "co":
            return d.contains(a, b);
          case "sw":
            return d.startsWith(a, b);
          case "ew":
            return d.endsWith(a, b);
          case "ne":
            return `(${a} <> ${b})`;
          case "gt":
          case "ge":
          case "lt":
          case "le":
            return `(${d.ordered(a)} ${ORDER_OPS[op]} ${d.ordered(b)})`;
          default:
            return unreachable(op);
        }
      }
      default:
        return unreachable(attr.type);
    }
  }

  /**
   * `sw` on an indexed column as the range of strings starting with `prefix`: [prefix, the next
   * string after all of them), in code-point order, which is byte order of UTF-8 (Dialect.bytewise).
   * Undefined where no such range exists (an empty prefix, a lone surrogate), to test each row.
   */
  private prefixRange(column: string, prefix: string): string | undefined {
    const end = prefixEnd(prefix);
    if (end === undefined) return undefined;
    const c = this.d.bytewise(column);
    const text = (value: string) => this.d.bytewise(`CAST(${this.p.add(value)} AS TEXT)`);
    return `(${c} >= ${text(prefix)} AND ${c} < ${text(end)})`;
  }

  /**
   * A comparison on an instant column, written on the column itself so its index serves it. The
   * column holds whole milliseconds as evaluate() compares them (`floor`): `> n` is `>= n + 1`.
   */
  private instantRange(op: CompareOp, column: string, ms: number): string {
    const at = (n: number) => this.d.time(this.p, new Date(n));
    switch (op) {
      case "eq":
        return `(${column} >= ${at(ms)} AND ${column} < ${at(ms + 1)})`;
      case "gt":
        return `(${column} >= ${at(ms + 1)})`;
      case "ge":
        return `(${column} >= ${at(ms)})`;
      case "lt":
        return `(${column} < ${at(ms)})`;
      case "le":
        return `(${column} < ${at(ms + 1)})`;
      // evaluate(): instants are not substrings; `ne` arrives as NOT (eq).
      case "ne":
      case "co":
      case "sw":
      case "ew":
        return FALSE;
      default:
        return unreachable(op);
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
          return { ...this.memberships(m), scope: this.memberScope(m) };
        }
        // evaluate(): `meta` is one object, so meta[lastModified gt "..."] tests this row's columns.
        if (path.length === 1 && path[0] === "meta") return { scope: this.metaScope() };
        if (this.column(path) || path[0] === "id" || path[0] === "meta")
          throw invalidFilter(`"${path.join(".")}" cannot take a value filter`);
        const source = this.expand(record, path);
        return { from: source.from, scope: this.elementScope(source.value.expr) };
      },
      // emails.value eq "x", or emails[value eq "x" and ...] (Entra's match on mail).
      narrow: (f) => {
        if (kind !== "users" || f.attrPath.path[0] !== "emails") return undefined;
        let term: ResolvedFilter | undefined = f;
        if (f.op === "valuePath") {
          if (f.attrPath.path.length !== 1) return undefined;
          const terms = f.filter.op === "and" ? f.filter.filters : [f.filter];
          term = terms.find((t) => t.op === "eq" && t.attrPath.path.length === 1 && t.attrPath.path[0] === "value");
        } else if (f.attrPath.path.length !== 2 || f.attrPath.path[1] !== "value") return undefined;
        if (term?.op !== "eq" || term.attrPath.caseExact || typeof term.compValue !== "string") return undefined;
        return this.d.emailsContain(this.p, alias, this.o.tenant ?? `${alias}.tenant`, fold(term.compValue));
      },
    };
  }

  /** The reserved and extracted attributes of a row. */
  private column(path: readonly string[]): Source | undefined {
    const { alias, kind } = this.o;
    const [head, ...rest] = path;
    if (head === "id" && rest.length === 0) {
      // Ids are generated lower-case, so the column is its own folded form (and index).
      return { kind: "one", value: { kind: "text", expr: `${alias}.id`, folded: `${alias}.id`, exact: true } };
    }
    const instant = (column: string): Source => ({
      kind: "one",
      value: { kind: "instant", expr: this.d.millis(`${alias}.${column}`), column: `${alias}.${column}` },
    });
    if (head === "meta") {
      // evaluate(): `meta pr` holds for every row, since meta.created always does.
      if (rest.length === 0) return instant("created");
      if (rest.length !== 1) return { kind: "missing" };
      if (rest[0] === "created") return instant("created");
      if (rest[0] === "lastModified") return instant("last_modified");
      if (rest[0] === "version")
        return { kind: "one", value: { kind: "text", expr: `CAST(${alias}.version AS TEXT)` } };
      return { kind: "missing" };
    }
    if (rest.length > 0) return undefined;
    if (head === "externalId")
      return { kind: "one", value: { kind: "text", expr: `${alias}.external_id`, exact: true } };
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

  /** The memberships of the tenant, as groups holding them: `id IN (SELECT group_id ...)`. */
  private memberships(m: string): Many {
    return {
      from: `${this.d.table("memberships")} ${m}`,
      where: `${m}.tenant = ${this.o.tenant ?? `${this.o.alias}.tenant`}`,
      key: { outer: `${this.o.alias}.id`, inner: `${m}.group_id` },
    };
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
    return { kind: "many", ...this.memberships(m), value: source.value };
  }

  private memberScope(m: string): Scope {
    return {
      source: (attr) => {
        const path = this.keys(attr.path);
        if (path.length !== 1) return { kind: "missing" };
        switch (path[0]) {
          case "value":
            // Ids are generated lower-case: the column is its own folded form, and indexed.
            return {
              kind: "one",
              value: { kind: "text", expr: `${m}.member_id`, folded: `${m}.member_id`, exact: true },
            };
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

const ORDER_OPS = { eq: "=", gt: ">", ge: ">=", lt: "<", le: "<=" } as const;

/** The SQL operator of an ordering comparison; undefined for those evaluate() never holds on numbers and instants. */
function orderOp(op: CompareOp): string | undefined {
  switch (op) {
    case "eq":
    case "gt":
    case "ge":
    case "lt":
    case "le":
      return ORDER_OPS[op];
    case "ne":
    case "co":
    case "sw":
    case "ew":
      return undefined;
    default:
      return unreachable(op);
  }
}

/** A new case in a union the compiler switches over is a compile error, never `undefined` in SQL. */
function unreachable(value: never): never {
  throw new Error(`Unexpected ${JSON.stringify(value)}`);
}

/**
 * The least string after every string that starts with `prefix`, in code-point order: its last
 * character moved to the next code point (characters already at the last one dropped first).
 */
function prefixEnd(prefix: string): string | undefined {
  const chars = Array.from(prefix);
  if (chars.some((c) => /^[\uD800-\uDFFF]$/.test(c))) return undefined;
  while (chars.length > 0) {
    const last = chars.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) return chars.join("") + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
  }
  return undefined;
}
