/**
 * Turning what a client sent for one attribute into the value its schema type says.
 *
 * Real clients are loose about JSON types (Entra sends `"False"` for booleans, Okta sends numbers
 * for string custom attributes), so coercion is by schema, never by the JSON type the client chose.
 * Every error is ScimError 400 `invalidValue` whose detail names the attribute.
 */
import { badRequest, notTolerated, preview } from "../protocol/errors";
import { tolerates, type Tolerances } from "../profiles/tolerances";
import { findAttribute } from "./resolve";
import type { AttributeDef } from "./types";
import { readBoolean } from "../values/boolean";
import { isWritableDateTime } from "../values/datetime";
import { isAbsent, isObject, stableKey, type JsonObject } from "../values/json";

export interface CoerceOptions {
  /**
   * Keep readOnly attributes and sub-attributes verbatim instead of dropping them. Used when
   * re-normalising a stored resource (after PATCH), whose `id`, `meta` and `groups` are the
   * service's own, never the client's.
   */
  keepReadOnly?: boolean;
  /** The client quirks this request may use (docs/clients.md). Default: every one. */
  tolerate?: Tolerances;
}

const invalid = (where: string, what: string) => badRequest("invalidValue", `Attribute '${where}' ${what}`);

const show = (value: unknown): string => preview(value);

/**
 * Coerces `value` to what `def` declares. Returns undefined when the value means "absent"
 * (null, "", an empty list, a complex value with nothing left in it). Multi-valued attributes
 * accept a single value and wrap it. Throws 400 invalidValue naming `where`.
 */
export function coerceValue(def: AttributeDef, value: unknown, where: string, opts: CoerceOptions = {}): unknown {
  if (def.multiValued) return coerceMulti(def, value, where, opts);
  return coerceSingle(def, unwrapSingle(value, where, opts), where, opts);
}

/** Entra sends `manager` as `[{value, $ref}]`: a one-element list for a single value is that value. */
function unwrapSingle(value: unknown, where: string, opts: CoerceOptions): unknown {
  if (!Array.isArray(value)) return value;
  if (value.length > 1) throw invalid(where, `is single-valued but got ${value.length} values`);
  if (value.length === 1 && !tolerates(opts.tolerate, "listForSingleValue"))
    throw notTolerated(
      "invalidValue",
      `Attribute '${where}' is single-valued; send the value, not a list of one.`,
      "listForSingleValue",
    );
  return value[0];
}

function coerceSingle(def: AttributeDef, value: unknown, where: string, opts: CoerceOptions): unknown {
  if (isAbsent(value)) return undefined;
  switch (def.type) {
    case "string":
    case "reference":
      return coerceString(value, where, opts);
    case "binary":
      if (typeof value !== "string") throw invalid(where, `must be a base64 string, got ${show(value)}`);
      return value;
    case "boolean":
      return coerceBoolean(value, where, opts);
    case "integer":
    case "decimal":
      return coerceNumber(value, def.type, where);
    case "dateTime":
      return coerceDateTime(value, where);
    case "complex":
      return coerceComplex(def, value, where, opts);
  }
}

/** Okta sends numbers and booleans for some string custom attributes: keep their text. */
function coerceString(value: unknown, where: string, opts: CoerceOptions): string {
  if (typeof value === "string") return value;
  if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean") {
    if (tolerates(opts.tolerate, "numbersForStrings")) return String(value);
    throw notTolerated(
      "invalidValue",
      `Attribute '${where}' must be a string, got ${show(value)}.`,
      "numbersForStrings",
    );
  }
  throw invalid(where, `must be a string, got ${show(value)}`);
}

/** Entra sends `"False"` / `"True"` in any case, even on POST. */
function coerceBoolean(value: unknown, where: string, opts: CoerceOptions): boolean {
  if (typeof value === "string" && !tolerates(opts.tolerate, "booleanStrings") && readBoolean(value) !== undefined)
    throw notTolerated(
      "invalidValue",
      `Attribute '${where}' must be a JSON boolean, got ${show(value)}.`,
      "booleanStrings",
    );
  const read = readBoolean(value);
  if (read !== undefined) return read;
  throw invalid(where, `must be a boolean, got ${show(value)}`);
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function coerceNumber(value: unknown, type: "integer" | "decimal", where: string): number {
  const text = typeof value === "string" ? value.trim() : undefined;
  const pattern = type === "integer" ? INTEGER : DECIMAL;
  const n = typeof value === "number" ? value : text !== undefined && pattern.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n))
    throw invalid(where, `must be ${type === "integer" ? "an integer" : "a decimal"}, got ${show(value)}`);
  if (type === "integer" && !Number.isSafeInteger(n)) throw invalid(where, `must be an integer, got ${show(value)}`);
  return n;
}

/** RFC 7643 2.3.5: xsd:dateTime, e.g. 2008-01-23T04:56:22Z. The client's spelling is kept. */

function coerceDateTime(value: unknown, where: string): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  if (typeof value === "string" && isWritableDateTime(value.trim())) {
    return value.trim();
  }
  throw invalid(where, `must be an xsd:dateTime such as "2024-01-31T12:00:00Z", got ${show(value)}`);
}

/**
 * Sub-attribute names are matched case-insensitively and rewritten canonically (Entra sends
 * `"Primary": true`). Unknown sub-attributes are dropped, like unknown attributes. A bare scalar
 * for a complex attribute with a `value` sub-attribute is that value: Entra sends `manager` as a
 * bare id, Okta's template sends `roles` as plain strings.
 */
function coerceComplex(def: AttributeDef, value: unknown, where: string, opts: CoerceOptions): JsonObject | undefined {
  let input = value;
  if (!isObject(input)) {
    const scalar = typeof input === "string" || typeof input === "number" || typeof input === "boolean";
    if (!scalar || !findAttribute(def.subAttributes, "value"))
      throw invalid(where, `must be an object, got ${show(value)}`);
    if (!tolerates(opts.tolerate, "bareComplexValues"))
      throw notTolerated(
        "invalidValue",
        `Attribute '${where}' must be an object such as {"value": ${show(input)}}.`,
        "bareComplexValues",
      );
    input = { value: input };
  }
  const out: JsonObject = {};
  for (const [key, raw] of Object.entries(input as JsonObject)) {
    const sub = findAttribute(def.subAttributes, key);
    if (!sub) continue;
    if (sub.mutability === "readOnly") {
      if (opts.keepReadOnly && !isAbsent(raw)) out[sub.name] = raw;
      continue;
    }
    const coerced = coerceValue(sub, raw, `${where}.${sub.name}`, opts);
    if (coerced === undefined) delete out[sub.name];
    else out[sub.name] = coerced;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * RFC 7643 2.4: a multi-valued attribute is a list; one value alone is wrapped. Elements that
 * mean nothing (Okta's default mappings send `{type: "", primary: false}` with no `value`) are
 * dropped, and so are exact duplicates.
 */
function coerceMulti(def: AttributeDef, value: unknown, where: string, opts: CoerceOptions): unknown[] | undefined {
  if (isAbsent(value)) return undefined;
  const single: AttributeDef = { ...def, multiValued: false };
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    if (Array.isArray(item)) throw invalid(where, "must be a list of values, not a list of lists");
    const coerced = coerceSingle(single, item, where, opts);
    if (coerced === undefined || (def.type === "complex" && isMeaningless(coerced as JsonObject))) continue;
    const key = stableKey(coerced);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(coerced);
  }
  return out.length > 0 ? out : undefined;
}

/** Describing sub-attributes alone (`type`, `primary`, `display`) do not make a value. */
const DESCRIPTIVE = new Set(["type", "primary", "display"]);

export function isMeaningless(element: JsonObject): boolean {
  return Object.keys(element).every((key) => DESCRIPTIVE.has(key));
}

/**
 * RFC 7643 2.4: "The primary attribute value 'true' MUST appear no more than once."
 * `reject` answers 400 (POST/PUT: the client contradicted itself and we will not guess which
 * email is the login one); `keepLast` demotes all but the last `primary: true`.
 */
export function enforceSinglePrimary(list: unknown[], where: string, mode: "reject" | "keepLast"): void {
  const primaries = list.filter((e): e is JsonObject => isObject(e) && e.primary === true);
  if (primaries.length <= 1) return;
  if (mode === "reject") throw invalid(where, 'has more than one value with "primary": true (RFC 7643 2.4)');
  for (const element of primaries.slice(0, -1)) element.primary = false;
}
