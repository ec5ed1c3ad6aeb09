/**
 * add / replace / remove on one attribute of a working copy (never the caller's object).
 * Values are coerced by schema as they are written; the result is normalised once at the end.
 */
import { badRequest, notTolerated } from "../errors";
import { tolerates, type Tolerances } from "../../profiles/tolerances";
import { evaluate, type ResolvedFilter } from "../filter";
import { coerceValue, type CoerceOptions } from "../../schema/coerce";
import { containerOf } from "../../schema/normalize";
import { findAttribute } from "../../schema/resolve";
import type { AttributeDef, ResourceTypeDef } from "../../schema/types";
import type { Target } from "./targets";
import type { PatchOpName } from "./types";
import { fold } from "../../values/fold";
import { deepEqual, isAbsent, isObject, type JsonObject } from "../../values/json";

export type AttributeTarget = Extract<Target, { kind: "attribute" }>;

export function writeAttribute(
  rt: ResourceTypeDef,
  work: JsonObject,
  op: PatchOpName,
  target: AttributeTarget,
  value: unknown,
  tolerate?: Tolerances,
): void {
  const { located, where } = target;
  const opts: CoerceOptions = tolerate ? { tolerate } : {};
  const container = containerOf(rt, work, located.schema, op !== "remove");
  if (!container) return; // removing from an extension the resource does not have
  if (target.filter) writeFiltered(container, op, target, target.filter, value, opts);
  else if (!located.sub) writeWhole(container, op, located.attribute, value, where, opts);
  else if (located.attribute.multiValued)
    writeEverySub(container, op, located.attribute, located.sub, value, where, opts);
  else writeSub(container, op, located.attribute, located.sub, value, where, opts);
}

/** `null` and `""` clear on add and replace as on remove (Entra clears `manager` with both). */
const clears = (op: PatchOpName, value: unknown) => op === "remove" || isAbsent(value);

function writeWhole(
  container: JsonObject,
  op: PatchOpName,
  def: AttributeDef,
  value: unknown,
  where: string,
  opts: CoerceOptions,
) {
  if (clears(op, value)) {
    // RFC 7644 3.5.2.2: remove without a filter removes the attribute, all values of a list.
    delete container[def.name];
    return;
  }
  const coerced = coerceValue(def, value, where, opts);
  if (coerced === undefined) {
    // `[]`, `{}` or only empty entries: replacing with nothing clears, adding nothing is a no-op.
    if (op === "replace") delete container[def.name];
    return;
  }
  const existing = container[def.name];
  if (def.multiValued) {
    // RFC 7644 3.5.2.1: add appends to a list; 3.5.2.3: replace without a filter replaces it.
    const list = op === "add" && Array.isArray(existing) ? [...existing] : [];
    const written = (coerced as unknown[]).map((element) => addElement(list, element, def));
    container[def.name] = list;
    settlePrimary(list, written);
  } else if (def.type === "complex" && isObject(existing) && !changesIdentity(def, coerced as JsonObject)) {
    container[def.name] = mergeComplex(def, existing, coerced as JsonObject, value);
  } else {
    container[def.name] = coerced;
  }
}

/**
 * RFC 7644 3.5.2.1 / 3.5.2.3: sub-attributes not named in the value are left unchanged. Except
 * when the value carries a new `value`: that is a different thing (a new manager), and keeping
 * the old one's `$ref` or `displayName` would describe the wrong one.
 */
function changesIdentity(def: AttributeDef, coerced: JsonObject): boolean {
  return findAttribute(def.subAttributes, "value") !== undefined && coerced.value !== undefined;
}

function mergeComplex(def: AttributeDef, existing: JsonObject, coerced: JsonObject, raw: unknown): JsonObject {
  const merged = { ...existing, ...coerced };
  const rawObject = Array.isArray(raw) ? raw[0] : raw;
  if (isObject(rawObject)) {
    // `{"name": {"middleName": null}}` clears that sub-attribute.
    for (const [key, v] of Object.entries(rawObject)) {
      const sub = findAttribute(def.subAttributes, key);
      if (sub && isAbsent(v)) delete merged[sub.name];
    }
  }
  return merged;
}

/**
 * RFC 7644 3.5.2.1: "If the target location already contains the value specified, no changes
 * SHOULD be made". An element with the same `value` and `type` is the same value: merged.
 * Returns the element now in the list.
 */
function addElement(list: unknown[], element: unknown, def: AttributeDef): unknown {
  const identical = list.find((e) => deepEqual(e, element));
  if (identical !== undefined) return identical;
  if (isObject(element) && element.value !== undefined) {
    const caseExact = findAttribute(def.subAttributes, "value")?.caseExact ?? false;
    const index = list.findIndex(
      (e) => isObject(e) && sameText(e.value, element.value, caseExact) && sameText(e.type, element.type, false),
    );
    if (index >= 0) {
      list[index] = { ...(list[index] as JsonObject), ...element };
      return list[index];
    }
  }
  list.push(element);
  return element;
}

function sameText(a: unknown, b: unknown, caseExact: boolean): boolean {
  if (typeof a === "string" && typeof b === "string") return caseExact ? a === b : fold(a) === fold(b);
  return a === b;
}

/** RFC 7643 2.4: one `primary: true` per list; the value just written wins. */
function settlePrimary(list: unknown[], written: unknown[]) {
  const winner = [...written].reverse().find((e) => isObject(e) && e.primary === true);
  if (winner === undefined) return;
  list.forEach((element, i) => {
    if (element !== winner && isObject(element) && element.primary === true) list[i] = { ...element, primary: false };
  });
}

/** `name.givenName`, `urn:...:User:manager.value`. */
function writeSub(
  container: JsonObject,
  op: PatchOpName,
  def: AttributeDef,
  sub: AttributeDef,
  value: unknown,
  where: string,
  opts: CoerceOptions,
) {
  const parent: JsonObject = isObject(container[def.name]) ? { ...(container[def.name] as JsonObject) } : {};
  const coerced = clears(op, value) ? undefined : coerceValue(sub, value, where, opts);
  if (coerced === undefined) delete parent[sub.name];
  else parent[sub.name] = coerced;
  container[def.name] = parent; // an emptied parent is dropped by the normaliser
}

/** `emails.display` without a filter: every element (RFC 7644 3.5.2: the path reaches them all). */
function writeEverySub(
  container: JsonObject,
  op: PatchOpName,
  def: AttributeDef,
  sub: AttributeDef,
  value: unknown,
  where: string,
  opts: CoerceOptions,
) {
  const coerced = clears(op, value) ? undefined : coerceValue(sub, value, where, opts);
  const list = (Array.isArray(container[def.name]) ? (container[def.name] as unknown[]) : []).map(asElement);
  if (coerced !== undefined && list.length === 0) list.push({});
  for (const element of list) {
    if (coerced === undefined) delete element[sub.name];
    else element[sub.name] = coerced;
  }
  container[def.name] = list;
  settlePrimary(list, list);
}

/** A plain string element (Okta's `roles`) reads as `{ value }`; always a fresh copy. */
const asElement = (element: unknown): JsonObject => (isObject(element) ? { ...element } : { value: element });

function writeFiltered(
  container: JsonObject,
  op: PatchOpName,
  target: AttributeTarget,
  filter: ResolvedFilter,
  value: unknown,
  opts: CoerceOptions,
) {
  const def = target.located.attribute;
  const list = Array.isArray(container[def.name]) ? [...(container[def.name] as unknown[])] : [];
  const matched = list.flatMap((element, i) => (evaluate(filter, element) ? [i] : []));
  const sub = target.filterSub;
  const coerced = clears(op, value)
    ? undefined
    : coerceValue(sub ?? { ...def, multiValued: false }, value, target.where, opts);
  if (coerced === undefined) {
    // RFC 7644 3.5.2.2: "the values matched by the filter are removed" (or their sub-attribute).
    // No match removes nothing: not an error, so a re-sent removal stays harmless.
    if (!sub) container[def.name] = list.filter((_e, i) => !matched.includes(i));
    else for (const i of matched) list[i] = withoutKey(asElement(list[i]), sub.name);
    if (sub) container[def.name] = list;
    return;
  }
  const fields: JsonObject = sub ? { [sub.name]: coerced } : (coerced as JsonObject);
  const written: unknown[] = [];
  if (matched.length === 0) {
    if (!tolerates(opts.tolerate, "filterCreatesValue"))
      throw notTolerated(
        "noTarget",
        `"${target.where}" matched no value (RFC 7644 3.5.2.3); add the whole value to "${def.name}" instead.`,
        "filterCreatesValue",
      );
    // Entra: add (and replace) on `emails[type eq "work"].value` with no work email creates one,
    // its fields taken from the filter's eq terms. RFC 7644 3.5.2.3 would answer noTarget.
    written.push({ ...elementFromFilter(filter, target.where), ...fields });
    list.push(written[0]);
  }
  for (const i of matched) {
    // RFC 7644 3.5.2.3: matching values are replaced; the filter's eq terms still describe them.
    const base = op === "replace" && !sub ? (elementFromFilter(filter, undefined) ?? {}) : asElement(list[i]);
    list[i] = { ...base, ...fields };
    written.push(list[i]);
  }
  container[def.name] = list;
  settlePrimary(list, written);
}

function withoutKey(element: JsonObject, key: string): JsonObject {
  delete element[key];
  return element;
}

/**
 * The element a filter describes: `type eq "work"` gives `{type: "work"}`, `and` joins terms.
 * With `where`, a filter that describes no element (`or`, `co`, `pr`...) is 400 noTarget.
 */
function elementFromFilter(filter: ResolvedFilter, where: string): JsonObject;
function elementFromFilter(filter: ResolvedFilter, where: undefined): JsonObject | undefined;
function elementFromFilter(filter: ResolvedFilter, where: string | undefined): JsonObject | undefined {
  const fields = describe(filter);
  if (fields || where === undefined) return fields;
  throw badRequest(
    "noTarget",
    `"${where}" matched no value, and only eq terms joined by "and" say what value to create`,
  );
}

function describe(filter: ResolvedFilter): JsonObject | undefined {
  if (filter.op === "eq" && filter.compValue !== null) {
    const [name, ...more] = filter.attrPath.path;
    if (name !== undefined && more.length === 0) return { [name]: filter.compValue };
  }
  if (filter.op !== "and") return undefined;
  const parts = filter.filters.map(describe);
  return parts.every((p): p is JsonObject => p !== undefined) ? Object.assign({}, ...parts) : undefined;
}
