/**
 * The work budget of a list or search, decided before any store runs it (issue 13). A query is
 * priced as the records it must read times the work per record; one over `limits.queryBudget`
 * is refused with 400 tooMany (RFC 7644 3.12: "more results than the server is willing to
 * calculate or process"). The model is coarse on purpose: it only has to tell a lookup from a
 * scan, and a scan with a few terms from one with hundreds.
 */
import { type ScimError, tooMany } from "../protocol/errors";
import type { ResolvedAttr, ResolvedFilter } from "../protocol/filter/ast";
import type { IndexedPath, Store, StoreContext } from "../stores/types";
import type { SortSpec } from "../protocol/filter/ast";

/** Work per record, in units of one comparison on a single-valued attribute. */
export const WEIGHTS = {
  /** Reading a record at all (SQL: a row and its JSON); a store may declare its own (QueryCosts.recordCost). */
  record: 1,
  comparison: 1,
  /** co, sw, ew: a substring search, not an equality. */
  substring: 2,
  /**
   * Expanding a multi-valued attribute into its elements: SQL stores parse the record's JSON
   * array once per term (json_each / jsonb_array_elements), measured at about ten times a
   * substring test on a single-valued attribute (bench/budget.js).
   */
  expansion: 20,
  /** A sort key computed per record, and the sort itself. */
  sortKey: 8,
} as const;

/**
 * Scans are priced as reading at least this many records, so what a small tenant is allowed
 * keeps working as it grows to this size. A store that cannot count (no `costs.size`) is priced
 * as this size too: a host's own store keeps working as before, and can declare its size.
 */
export const MIN_RECORDS = 10_000;

/** Work per record of a filter, and whether an index narrows it to a few records. */
export interface FilterPrice {
  perRecord: number;
  narrowed: boolean;
}

export function priceFilter(filter: ResolvedFilter, indexed: readonly IndexedPath[]): FilterPrice {
  switch (filter.op) {
    case "and": {
      const parts = filter.filters.map((f) => priceFilter(f, indexed));
      return { perRecord: sum(parts), narrowed: parts.some((p) => p.narrowed) };
    }
    case "or": {
      const parts = filter.filters.map((f) => priceFilter(f, indexed));
      return { perRecord: sum(parts), narrowed: parts.length > 0 && parts.every((p) => p.narrowed) };
    }
    case "not":
      return { perRecord: priceFilter(filter.filter, indexed).perRecord, narrowed: false };
    case "valuePath": {
      // One expansion of the attribute, then the inner terms once per element.
      const inner = priceFilter(filter.filter, []).perRecord;
      return { perRecord: filter.attrPath.multiValued ? WEIGHTS.expansion + inner : inner, narrowed: false };
    }
    case "pr":
      return { perRecord: term(filter.attrPath, WEIGHTS.comparison), narrowed: false };
    default: {
      const substring = filter.op === "co" || filter.op === "sw" || filter.op === "ew";
      // A lookup, a non-empty prefix or a range along an ordered index (sw "" matches every row).
      // A range may match the whole tenant: then it costs what a plain page does, which is admitted.
      const value = filter.compValue;
      const narrowed =
        typeof value === "string" &&
        ((filter.op === "eq" && isIndexed(filter.attrPath, indexed)) ||
          (filter.op === "sw" && value !== "" && isIndexed(filter.attrPath, indexed, "prefix")) ||
          (RANGE_OPS.has(filter.op) && isIndexed(filter.attrPath, indexed, "range")));
      return { perRecord: term(filter.attrPath, substring ? WEIGHTS.substring : WEIGHTS.comparison), narrowed };
    }
  }
}

const sum = (parts: FilterPrice[]) => parts.reduce((n, p) => n + p.perRecord, 0);

function term(attr: ResolvedAttr, weight: number): number {
  return attr.multiValued ? WEIGHTS.expansion + weight : weight;
}

const RANGE_OPS: ReadonlySet<string> = new Set(["gt", "ge", "lt", "le"]);

/** Whether an index serves `attr`: for `eq` (any declared index), or for a prefix or a range. */
function isIndexed(attr: ResolvedAttr, indexed: readonly IndexedPath[], serves?: "prefix" | "range"): boolean {
  if (!serves && attr.path.length === 1 && attr.path[0] === "id") return true;
  return indexed.some(
    (i) =>
      samePath(i.path, attr.path) &&
      (i.caseExact === undefined || i.caseExact === attr.caseExact) &&
      (!serves || i[serves] === true),
  );
}

function isSorted(sort: SortSpec, sorted: readonly IndexedPath[]): boolean {
  return (
    !sort.multiValued &&
    sorted.some((i) => samePath(i.path, sort.path) && (i.caseExact === undefined || i.caseExact === sort.caseExact))
  );
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/**
 * How identity providers match one user or group (clients.md): a few equality terms joined by
 * `and`, on the attributes they match on. Okta and Entra `userName`, `externalId` and a group's
 * `displayName`; Entra `emails[type eq "work"].value eq "x"`; OneLogin `emails.value eq "x"`; Okta
 * Governance and AWS `members.value eq "id"` (the groups of a user). Refusing one fails
 * provisioning outright (a 4xx is final to Okta and Entra), and it costs one scan with few terms,
 * so it is admitted at any size even where no index narrows it. Read on the SCIM filter, before
 * any mapping renames its attributes.
 */
export const MAX_MATCH_TERMS = 3;
/** Lower-cased: attribute names are case-insensitive (RFC 7643 2.1). */
const MATCH_PATHS = new Set([
  "id",
  "username",
  "externalid",
  "displayname",
  "emails.value",
  "emails.type",
  "emails.primary",
  "members.value",
]);

/** Whether a (SCIM-terms) filter is such a match. */
export function isIdentityMatch(filter: ResolvedFilter): boolean {
  const terms = (f: ResolvedFilter, prefix: readonly string[]): number => {
    switch (f.op) {
      case "and":
        return f.filters.reduce((n, part) => n + terms(part, prefix), 0);
      case "valuePath":
        return terms(f.filter, [...prefix, ...f.attrPath.path]);
      case "eq": {
        const path = [...prefix, ...f.attrPath.path].join(".");
        return MATCH_PATHS.has(path.toLowerCase()) ? 1 : Infinity;
      }
      default:
        return Infinity;
    }
  };
  return terms(filter, []) <= MAX_MATCH_TERMS;
}

export interface Budgeted {
  filter?: ResolvedFilter;
  sort?: SortSpec;
  /** The request is an identity provider's match (isIdentityMatch on its SCIM filter). */
  identityMatch?: boolean;
}

/**
 * Throws 400 tooMany when the query would cost more than `budget`. A lookup an index narrows
 * is always within budget, and so is an identity provider's match (isIdentityMatch);
 * so is a page without filter, read in insertion order or along an index (QueryCosts.sorted).
 */
export async function checkBudget(
  store: Store,
  kind: "users" | "groups",
  ctx: StoreContext,
  q: Budgeted,
  budget: number,
  noun: string,
): Promise<void> {
  const sortIndexed = q.sort !== undefined && isSorted(q.sort, store.costs?.sorted?.(kind) ?? []);
  if (!q.filter && (!q.sort || sortIndexed)) return;
  const filter = q.filter ? priceFilter(q.filter, store.costs?.indexed(kind) ?? []) : { perRecord: 0, narrowed: false };
  if (filter.narrowed) return;
  if (q.identityMatch && !q.sort) return;
  const sort = q.sort && !sortIndexed ? (q.sort.multiValued ? WEIGHTS.expansion : 0) + WEIGHTS.sortKey : 0;
  const perRecord = (store.costs?.recordCost ?? WEIGHTS.record) + filter.perRecord + sort;
  // Too costly even for the smallest priced tenant: refused without asking the store to count.
  if (perRecord * MIN_RECORDS > budget) throw refused(perRecord, MIN_RECORDS, budget, noun);
  const records = Math.max(MIN_RECORDS, store.costs?.size ? await store.costs.size(ctx, kind) : 0);
  if (perRecord * records > budget) throw refused(perRecord, records, budget, noun);
}

function refused(perRecord: number, records: number, budget: number, noun: string): ScimError {
  const cost = perRecord * records;
  return tooMany(
    `This ${noun} query would cost ${cost.toLocaleString("en-US")} work units (${perRecord} per record over ${records.toLocaleString("en-US")} records), ` +
      `more than limits.queryBudget (${budget.toLocaleString("en-US")}) allows. Use fewer terms, fewer substring (co, sw, ew) ` +
      "or multi-valued comparisons, or add an eq on id or an indexed attribute (userName, externalId, displayName).",
  );
}
