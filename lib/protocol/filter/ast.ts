/**
 * RFC 7644 3.4.2.2 filter syntax trees, names from the RFC's ABNF.
 *
 * Two stages share these shapes:
 *  - parsed: attribute paths exactly as the client wrote them (`AttrPath`), literals as written;
 *  - resolved: paths checked against a resource type's schemas (`ResolvedAttr`), names
 *    canonical, literals coerced to the attribute's type. Stores only ever see resolved trees.
 */
import type { AttributeType } from "../../schema/types";

/** The comparison operators of RFC 7644 3.4.2.2. */
export type CompareOp = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le";
/** A filter's comparison value. */
export type Literal = string | number | boolean | null;

/** attrPath = [URI ":"] ATTRNAME *1subAttr */
export interface AttrPath {
  uri?: string;
  name: string;
  subAttr?: string;
}

/** A parsed SCIM filter (RFC 7644 3.4.2.2). */
export type Filter<P = AttrPath> =
  | { op: CompareOp; attrPath: P; compValue: Literal }
  | { op: "pr"; attrPath: P }
  | { op: "and" | "or"; filters: Filter<P>[] }
  | { op: "not"; filter: Filter<P> }
  /** valuePath = attrPath "[" valFilter "]"; the inner filter's paths are relative to one element. */
  | { op: "valuePath"; attrPath: P; filter: Filter<P> };

/**
 * An attribute located in a stored record. `path` is the list of keys from the record root
 * (`["emails", "value"]`, `["urn:...:enterprise:2.0:User", "employeeNumber"]`, `["meta", "lastModified"]`),
 * or from one element inside a valuePath (`["type"]`). Arrays met along the way are flattened:
 * a comparison holds when any reached value satisfies it.
 */
export interface ResolvedAttr {
  path: string[];
  type: AttributeType;
  caseExact: boolean;
  /** True when some step of the path is multi-valued, so several values can be reached. */
  multiValued: boolean;
}

/** A filter resolved against the schema and moved into the record's terms, as a store receives it. */
export type ResolvedFilter = Filter<ResolvedAttr>;

/** RFC 7644 3.5.2: PATH = attrPath / valuePath [subAttr]. */
export interface PatchPath {
  attrPath: AttrPath;
  valueFilter?: Filter;
  /** The sub-attribute after a value filter: `emails[type eq "work"].value`. */
  subAttr?: string;
}

/** How large and deep a filter may be. */
export interface FilterLimits {
  /** Characters in a filter. */
  maxLength: number;
  /** Parentheses, `not` and value paths nested in one another. */
  maxDepth: number;
  /** Comparisons and `pr` tests in one filter. */
  maxTerms: number;
}

/** A `sortBy` resolved against the schema and moved into the record's terms, as a store receives it. */
export interface SortSpec {
  /** Keys into the record, as for filters (`["name", "familyName"]`); `["meta","lastModified"]`, `["id"]` too. */
  path: string[];
  /** Multi-valued attributes sort by their primary element's `path` sub-attribute. */
  multiValued: boolean;
  caseExact: boolean;
  /**
   * The attribute's schema type, which decides the order (RFC 7644 3.4.2.3): strings sort as
   * text even when they look like dates, `dateTime` strings as instants, `boolean` strings
   * ("True", Entra's) as booleans.
   */
  type: ResolvedAttr["type"];
  descending: boolean;
}
