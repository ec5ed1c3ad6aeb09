/**
 * Turning a client's POST/PUT body into a clean SCIM resource: canonical attribute names,
 * extension attributes under their schema URN, values coerced by schema, readOnly and unknown
 * attributes gone. The PATCH engine runs its result through here too, so every write path
 * stores the same shape.
 */
import { badRequest, clip, notTolerated } from "../protocol/errors";
import { tolerates } from "../profiles/tolerances";
import { coerceValue, enforceSinglePrimary, type CoerceOptions } from "./coerce";
import { findSchema, locateAttribute, schemasOf, type LocatedAttribute } from "./resolve";
import type { ResourceTypeDef, SchemaDef } from "./types";
import { isAbsent, isObject, memberOf, type JsonObject } from "../values/json";
import { isUrn, splitUrn } from "../values/urn";

export { coerceValue } from "./coerce";

export interface NormalizeOptions extends CoerceOptions {
  /** Unknown extension URNs: 400 invalidValue instead of being dropped (the default, for Okta). */
  strictExtensions?: boolean;
  /** Several `primary: true` in one attribute: 400 (`reject`, the default) or keep the last. */
  multiplePrimary?: "reject" | "keepLast";
}

/** What one key of a client's object names. */
export type KeyTarget =
  | { kind: "schemas" }
  /** A schema URN used as a key: its object value holds that schema's attributes. */
  | { kind: "schema"; schema: SchemaDef }
  | { kind: "attribute"; located: LocatedAttribute }
  | { kind: "unknownExtension"; uri: string }
  | { kind: "unknown" };

/**
 * Reads a key as an attribute path: plain (`displayName`), dotted (`name.givenName`) or
 * URN-qualified (`urn:...:enterprise:2.0:User:employeeNumber`, `...:User:manager.value`).
 * Entra sends all three in pathless PATCH values. `within` resolves keys inside a schema's object.
 * Plain names not in the core schema are looked up in the extensions (as for PATCH paths).
 */
export function resolveKey(rt: ResourceTypeDef, key: string, within?: SchemaDef): KeyTarget {
  let schema = within;
  let rest = key;
  if (!within && key.toLowerCase() === "schemas") return { kind: "schemas" };
  if (!within && isUrn(key)) {
    const exact = findSchema(rt, key);
    if (exact) return { kind: "schema", schema: exact };
    const split = splitUrn(key);
    schema = split.uri === undefined ? undefined : findSchema(rt, split.uri);
    if (!schema) return { kind: "unknownExtension", uri: key };
    rest = split.rest;
  }
  const [name, subAttr, ...more] = rest.split(".");
  if (more.length > 0 || !name) return { kind: "unknown" };
  const located = locateAttribute(rt, { uri: schema?.id, name, subAttr });
  return located ? { kind: "attribute", located } : { kind: "unknown" };
}

/** How error details name an attribute: URN-qualified for extensions, dotted for sub-attributes. */
export function attributeLabel(rt: ResourceTypeDef, located: LocatedAttribute): string {
  const top = located.schema === rt.schema ? located.attribute.name : `${located.schema.id}:${located.attribute.name}`;
  return located.sub ? `${top}.${located.sub.name}` : top;
}

/** The object holding a schema's attributes: the resource itself, or its extension object. */
export function containerOf(rt: ResourceTypeDef, resource: JsonObject, schema: SchemaDef, create: boolean) {
  if (schema === rt.schema) return resource;
  const existing = resource[schema.id];
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  const fresh: JsonObject = {};
  resource[schema.id] = fresh;
  return fresh;
}

export function normalizeResource(rt: ResourceTypeDef, input: unknown, opts: NormalizeOptions = {}): JsonObject {
  if (!isObject(input)) throw badRequest("invalidSyntax", `A ${rt.name} must be a JSON object`);
  if (!tolerates(opts.tolerate, "looseSchemas")) checkSchemas(rt, memberOf(input, "schemas"));
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(input)) placeKey(rt, out, key, value, opts);
  for (const schema of schemasOf(rt)) finishSchema(rt, out, schema, opts);
  return out;
}

/** RFC 7643 3: `schemas` is REQUIRED and names the resource's core schema (OneLogin's templates name a pre-RFC one). */
function checkSchemas(rt: ResourceTypeDef, schemas: unknown) {
  const named = Array.isArray(schemas) && schemas.some((s) => typeof s === "string" && same(s, rt.schema.id));
  if (!named)
    throw notTolerated(
      "invalidSyntax",
      `A ${rt.name} must list "${rt.schema.id}" in "schemas" (RFC 7643 3), got ${schemas === undefined ? "nothing" : clip(JSON.stringify(schemas))}.`,
      "looseSchemas",
    );
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function placeKey(
  rt: ResourceTypeDef,
  out: JsonObject,
  key: string,
  value: unknown,
  opts: NormalizeOptions,
  within?: SchemaDef,
) {
  const target = resolveKey(rt, key, within);
  switch (target.kind) {
    case "schemas": // the service writes `schemas` itself
    case "unknown": // unknown core attributes are dropped, as Okta and Entra expect
      return;
    case "unknownExtension":
      if (opts.strictExtensions) throw badRequest("invalidValue", `Unknown schema extension '${clip(target.uri)}'`);
      return;
    case "schema":
      if (isAbsent(value)) return;
      if (!isObject(value)) throw badRequest("invalidValue", `Attribute '${target.schema.id}' must be an object`);
      for (const [inner, v] of Object.entries(value)) placeKey(rt, out, inner, v, opts, target.schema);
      return;
    case "attribute":
      placeAttribute(rt, out, target.located, value, opts);
  }
}

/** Writes one attribute (or sub-attribute) into `out`; later keys win over earlier ones. */
function placeAttribute(
  rt: ResourceTypeDef,
  out: JsonObject,
  located: LocatedAttribute,
  value: unknown,
  opts: NormalizeOptions,
) {
  const { attribute, sub } = located;
  const where = attributeLabel(rt, located);
  const readOnly = attribute.mutability === "readOnly" || sub?.mutability === "readOnly";
  if (readOnly && !opts.keepReadOnly) return; // RFC 7643 2.2: readOnly values from clients are ignored
  const container = containerOf(rt, out, located.schema, true) as JsonObject;
  if (!sub) {
    const coerced = readOnly ? (isAbsent(value) ? undefined : value) : coerceValue(attribute, value, where, opts);
    const existing = container[attribute.name];
    if (coerced === undefined) delete container[attribute.name];
    else if (!attribute.multiValued && isObject(existing) && isObject(coerced))
      container[attribute.name] = { ...existing, ...coerced };
    else container[attribute.name] = coerced;
    return;
  }
  if (attribute.multiValued) {
    throw badRequest(
      "invalidValue",
      `Attribute '${where}' names a sub-attribute of multi-valued '${attribute.name}'; send the whole value`,
    );
  }
  const coerced = readOnly ? (isAbsent(value) ? undefined : value) : coerceValue(sub, value, where, opts);
  const parent: JsonObject = isObject(container[attribute.name])
    ? { ...(container[attribute.name] as JsonObject) }
    : {};
  if (coerced === undefined) delete parent[sub.name];
  else parent[sub.name] = coerced;
  if (Object.keys(parent).length > 0) container[attribute.name] = parent;
  else delete container[attribute.name];
}

/** After all keys are placed: one primary per list, no empty extension objects, required present. */
function finishSchema(rt: ResourceTypeDef, out: JsonObject, schema: SchemaDef, opts: NormalizeOptions) {
  let container = containerOf(rt, out, schema, false);
  if (container && container !== out && Object.keys(container).length === 0) {
    delete out[schema.id];
    container = undefined;
  }
  if (!container) {
    const extension = rt.extensions.find((e) => e.schema === schema);
    if (extension?.required) throw badRequest("invalidValue", `Extension '${schema.id}' is required`);
    return;
  }
  for (const attribute of schema.attributes) {
    const label = container === out ? attribute.name : `${schema.id}:${attribute.name}`;
    const value = container[attribute.name];
    if (attribute.multiValued && Array.isArray(value))
      enforceSinglePrimary(value, label, opts.multiplePrimary ?? "reject");
    // RFC 7643 2.2: required attributes must have a value (readOnly ones are the service's to set).
    if (attribute.required && attribute.mutability !== "readOnly" && value === undefined) {
      throw badRequest("invalidValue", `Attribute '${label}' is required`);
    }
  }
}
