/**
 * RFC 7644 3.4.2.3 sorting: `sortBy` resolved against the resource type, and a comparator over
 * the same target shape as evaluate() (record plus id, externalId, meta).
 */
import { PATH_PREVIEW_CHARS, clip, invalidValue } from "../errors";
import type { ResourceTypeDef } from "../../schema/types";
import { findAttribute, locateAttribute, type LocatedAttribute } from "../../schema/resolve";
import { GROUP_SCHEMA, USER_SCHEMA } from "../../schema/urns";
import { childOf } from "./evaluate";
import { parseInstant } from "../../values/datetime";
import { readBoolean } from "../../values/boolean";
import { splitAttrPath } from "./parse";
import { fold } from "../../values/fold";
import type { SortSpec } from "./ast";

/** sortBy is one attribute path; anything longer than this is not one. */
const MAX_SORT_BY_LENGTH = 1024;

// RFC 7644 3.4.2.3 names no error for a bad sortBy or sortOrder. They are query parameters,
// not filters, so we answer 400 invalidValue ("the value specified was not compatible").

/** Undefined when no sortBy is given: the caller then keeps its default (id) order. */
export function resolveSort(
  rt: ResourceTypeDef,
  sortBy: string | undefined,
  sortOrder: string | undefined,
): SortSpec | undefined {
  const descending = parseSortOrder(sortOrder);
  if (sortBy === undefined || sortBy.trim() === "") return undefined;
  const text = sortBy.trim();
  if (text.length > MAX_SORT_BY_LENGTH) throw invalidValue(`sortBy is longer than ${MAX_SORT_BY_LENGTH} characters`);
  const attrPath = splitAttrPath(text);
  if (typeof attrPath === "string") throw invalidValue(`Invalid sortBy: ${attrPath}`);
  const located = locateAttribute(rt, attrPath);
  if (!located)
    throw invalidValue(`Unknown sortBy attribute "${clip(text, PATH_PREVIEW_CHARS)}" for resource type ${rt.name}`);
  if (isMembership(rt, located)) {
    throw invalidValue(
      `Cannot sort by "${clip(text, PATH_PREVIEW_CHARS)}": ${located.attribute.name} is an unordered set kept by the server, with no primary or first value`,
    );
  }
  let def = located.sub ?? located.attribute;
  let path = located.path;
  if (def.type === "complex") {
    // `sortBy=emails` sorts by the primary email's value, as `emails.value` does.
    const value = def.multiValued ? findAttribute(def.subAttributes, "value") : undefined;
    if (!value) throw invalidValue(`Cannot sort by complex attribute "${text}": name one of its sub-attributes`);
    def = value;
    path = [...path, value.name];
  }
  return {
    path,
    multiValued: located.attribute.multiValued || def.multiValued,
    caseExact: def.caseExact,
    type: def.type,
    descending,
  };
}

/**
 * RFC 7644 3.4.2.3 sorts a multi-valued attribute by its primary value, else its first. Group
 * `members` and User `groups` have neither: no `primary` sub-attribute, and the member store
 * keeps a set (neither the memberships table nor the memory store's index has an order), so a
 * "first member" would be an accident of storage that differs between stores and between
 * requests. Every store refuses the sort the same way, before it runs.
 */
function isMembership(rt: ResourceTypeDef, located: LocatedAttribute): boolean {
  if (located.schema !== rt.schema) return false;
  const name = located.attribute.name;
  return (rt.schema.id === GROUP_SCHEMA && name === "members") || (rt.schema.id === USER_SCHEMA && name === "groups");
}

/** RFC 7644 3.4.2.3: "ascending" (the default) or "descending"; we accept any case. */
function parseSortOrder(sortOrder: string | undefined): boolean {
  if (sortOrder === undefined || sortOrder === "") return false;
  const lower = sortOrder.toLowerCase();
  if (lower === "ascending") return false;
  if (lower === "descending") return true;
  throw invalidValue(`sortOrder must be "ascending" or "descending", not "${clip(sortOrder)}"`);
}

export type SortKey = number | string;

/**
 * A comparator for Array.prototype.sort. RFC 7644 3.4.2.3: missing values sort last when
 * ascending and first when descending. Equal keys compare as 0: the caller must break ties
 * (by id) so that paging through a sorted list is stable.
 */
export function compareRecords(spec: SortSpec): (a: unknown, b: unknown) => number {
  return (a, b) => compareSortKeys(sortKey(a, spec), sortKey(b, spec), spec.descending);
}

/** Two keys from sortKeyOf, in the order compareRecords gives (missing: last ascending, first descending). */
export function compareSortKeys(x: SortKey | undefined, y: SortKey | undefined, descending: boolean): number {
  let result: number;
  if (x === undefined || y === undefined) result = x === y ? 0 : x === undefined ? 1 : -1;
  else result = compareKeys(x, y);
  return descending ? -result || 0 : result;
}

function compareKeys(x: SortKey, y: SortKey): number {
  // Numbers and instants come before strings when a (badly typed) record mixes them.
  if (typeof x !== typeof y) return typeof x === "number" ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The value to sort by: multi-valued steps take the primary element, else the first one. */
export function sortKeyOf(target: unknown, spec: SortSpec): SortKey | undefined {
  return sortKey(target, spec);
}

function sortKey(target: unknown, spec: SortSpec): SortKey | undefined {
  let value: unknown = target;
  for (const key of spec.path) {
    value = childOf(pickElement(value), key);
  }
  return toKey(pickElement(value), spec);
}

function pickElement(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const primary = value.find(
    (e) => e !== null && typeof e === "object" && isTrue((e as Record<string, unknown>).primary),
  );
  return primary ?? value.find((e) => e !== null && e !== undefined && e !== "");
}

/** Entra writes `"primary": "True"`. */
const isTrue = (v: unknown) => readBoolean(v) === true;

/**
 * Numbers, booleans (as 0/1) and Dates sort by value whatever the attribute. A string's order is
 * its attribute's type: a dateTime's as an instant ("…00Z" and "…00.500Z" do not sort as text), a
 * boolean's as the boolean it spells, anything else as text. A string that does not read as its
 * type (a badly typed record) sorts as text, after the numbers.
 */
function toKey(value: unknown, spec: SortSpec): SortKey | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "string" || value === "") return undefined;
  const typed = spec.type === "dateTime" ? parseInstant(value) : spec.type === "boolean" ? bit(value) : undefined;
  if (typed !== undefined) return typed;
  return spec.caseExact ? value : fold(value);
}

function bit(value: string): number | undefined {
  const b = readBoolean(value);
  return b === undefined ? undefined : b ? 1 : 0;
}
