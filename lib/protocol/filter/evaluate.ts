/**
 * Evaluating a resolved filter against one plain object: a record (with `id`, `externalId` and
 * `meta: { created, lastModified, version, resourceType }` added by the caller), or one element of a
 * multi-valued attribute for PATCH value filters. The memory store uses this; SQL stores must
 * agree with it, so every semantic choice is spelled out here and in docs/filters.md.
 */
import type { AttributeType } from "../../schema/types";
import type { CompareOp, Literal, ResolvedAttr, ResolvedFilter } from "./ast";
import { fold } from "../../values/fold";
import { parseInstant } from "../../values/datetime";
import { readBoolean } from "../../values/boolean";
import { memberOf } from "../../values/json";

// parseInstant lived here first; the filter index and the public entry still export it from here.
export { parseInstant };

/** Whether a record view matches a resolved filter, as the memory store decides it. */
export function evaluate(filter: ResolvedFilter, target: unknown): boolean {
  switch (filter.op) {
    case "and":
      return filter.filters.every((f) => evaluate(f, target));
    case "or":
      return filter.filters.some((f) => evaluate(f, target));
    case "not":
      return !evaluate(filter.filter, target);
    case "valuePath":
      // RFC 7644 3.4.2.2: the whole inner filter must hold for ONE element, so
      // emails[type eq "work" and value co "@x.com"] never mixes two different emails.
      return reach(target, filter.attrPath.path).some((element) => evaluate(filter.filter, asElement(element)));
    case "pr":
      return reach(target, filter.attrPath.path).some(isPresent);
    default:
      return compare(filter.op, filter.attrPath, filter.compValue, target);
  }
}

function compare(op: CompareOp, attr: ResolvedAttr, literal: Literal, target: unknown): boolean {
  const values = reach(target, attr.path);
  // `eq null` is "absent", `ne null` is "present" (resolveFilter already rewrites these to pr).
  if (literal === null) {
    const present = values.some(isPresent);
    return op === "ne" ? present : op === "eq" ? !present : false;
  }
  // `ne` is the negation of `eq`: true when the attribute is missing, and for multi-valued
  // attributes true only when no value equals the literal.
  if (op === "ne") return !values.some((v) => matches("eq", attr, v, literal));
  return values.some((v) => matches(op, attr, v, literal));
}

/** One reached value against the literal, compared by the attribute's type. */
function matches(op: CompareOp, attr: ResolvedAttr, value: unknown, literal: Literal): boolean {
  const kind = comparisonKind(attr.type);
  if (kind === "instant") return order(op, parseInstant(value), parseInstant(literal));
  if (kind === "number") return order(op, toNumber(value), toNumber(literal));
  if (kind === "boolean") {
    const a = readBoolean(value);
    const b = readBoolean(literal);
    return a !== undefined && op === "eq" && a === b;
  }
  const a = toText(value, attr.caseExact);
  const b = toText(literal, attr.caseExact);
  if (a === undefined || b === undefined) return false;
  if (op === "co") return a.includes(b);
  if (op === "sw") return a.startsWith(b);
  if (op === "ew") return a.endsWith(b);
  return order(op, a, b);
}

function comparisonKind(type: AttributeType): "instant" | "number" | "boolean" | "text" {
  if (type === "dateTime") return "instant";
  if (type === "integer" || type === "decimal") return "number";
  if (type === "boolean") return "boolean";
  return "text";
}

/** eq/gt/ge/lt/le over two values of one kind; undefined (unreadable) never matches. */
function order<T extends number | string>(op: CompareOp, a: T | undefined, b: T | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  switch (op) {
    case "eq":
      return a === b;
    case "gt":
      return a > b;
    case "ge":
      return a >= b;
    case "lt":
      return a < b;
    case "le":
      return a <= b;
    default:
      // co/sw/ew on non-text kinds are refused by resolveFilter; a hand-built tree just fails.
      return false;
  }
}

/**
 * RFC 7644 3.4.2.2: strings compare case-insensitively unless the attribute is caseExact.
 * Ordering compares the folded strings by UTF-16 code unit, which SQL stores can reproduce.
 */
function toText(value: unknown, caseExact: boolean): string | undefined {
  const text =
    typeof value === "string"
      ? value
      : typeof value === "number" || typeof value === "boolean"
        ? String(value)
        : undefined;
  if (text === undefined) return undefined;
  return caseExact ? text : fold(text);
}

function toNumber(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Values reached by following `path` from `target`, arrays flattened at every step (RFC 7644
 * 3.4.2.2: a multi-valued attribute matches when any value does). Keys are looked up exactly,
 * then case-insensitively (attribute names are case-insensitive, RFC 7643 2.1).
 */
export function reach(target: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = flatten([target]);
  for (const key of path) {
    const next: unknown[] = [];
    for (const value of current) {
      const child = childOf(value, key);
      if (child !== undefined) next.push(child);
    }
    current = flatten(next);
  }
  return current;
}

function flatten(values: unknown[]): unknown[] {
  if (!values.some(Array.isArray)) return values;
  const out: unknown[] = [];
  for (const v of values) {
    if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  }
  return out;
}

/** One step of a path from one value (not flattening arrays); shared with sort. */
export function childOf(value: unknown, key: string): unknown {
  if (value === null || typeof value !== "object") {
    // Okta's template app may send `roles` as plain strings: treat "admin" as { value: "admin" }.
    return key === "value" && (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      ? value
      : undefined;
  }
  if (value instanceof Date) return undefined;
  return memberOf(value as Record<string, unknown>, key);
}

/** A primitive element of a multi-valued attribute reads as `{ value: element }`. */
function asElement(element: unknown): unknown {
  return element !== null && typeof element === "object" ? element : { value: element };
}

/** RFC 7644 3.4.2.2 `pr`: has a non-empty value. undefined, null, "", [] and {} are not present. */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return false;
  if (Array.isArray(value)) return value.some(isPresent);
  if (typeof value === "object" && !(value instanceof Date)) return Object.values(value).some(isPresent);
  return true;
}
