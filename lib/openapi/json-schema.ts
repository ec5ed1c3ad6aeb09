/**
 * RFC 7643 attribute definitions as JSON Schema (OpenAPI 3.1), read from the same definitions
 * /Schemas serves: a resource's schema is its core schema's attributes, the common attributes
 * (id, externalId, meta) and one object per extension, keyed by the extension's URN.
 */
import { COMMON_ATTRIBUTES } from "../schema/core";
import type { AttributeDef, AttributeType, ResourceTypeDef, SchemaDef } from "../schema/types";
import type { JsonSchema } from "./types";

const TYPES: Record<Exclude<AttributeType, "complex">, JsonSchema> = {
  string: { type: "string" },
  boolean: { type: "boolean" },
  decimal: { type: "number" },
  integer: { type: "integer" },
  dateTime: { type: "string", format: "date-time" },
  reference: { type: "string" },
  binary: { type: "string", contentEncoding: "base64" },
};

/** RFC 7643 7 `mutability` and `returned` as OpenAPI's readOnly and writeOnly (never in a response). */
function access(def: AttributeDef): JsonSchema {
  if (def.mutability === "writeOnly" || def.returned === "never") return { writeOnly: true };
  if (def.mutability === "readOnly") return { readOnly: true };
  return {};
}

function valueSchema(def: AttributeDef): JsonSchema {
  if (def.type !== "complex") {
    const schema: JsonSchema = { ...TYPES[def.type] };
    // RFC 7643 2.3.1: canonical values are suggestions; a service may accept others.
    if (def.canonicalValues?.length) schema.examples = [...def.canonicalValues];
    return schema;
  }
  return objectOf(def.subAttributes ?? []);
}

export function attributeSchema(def: AttributeDef): JsonSchema {
  const value = valueSchema(def);
  const schema: JsonSchema = def.multiValued ? { type: "array", items: value } : value;
  return { ...schema, ...(def.description ? { description: def.description } : {}), ...access(def) };
}

/**
 * An object of attributes, closed: a property no schema defines is a disagreement with /Schemas.
 * Names starting with `$` (`$ref`) go through patternProperties, where no OpenAPI tool can take
 * them for a JSON Reference.
 */
export function objectOf(attributes: readonly AttributeDef[], extra: Record<string, JsonSchema> = {}): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const patternProperties: Record<string, JsonSchema> = {};
  for (const def of attributes) {
    if (def.name.startsWith("$")) patternProperties[`^\\${def.name}$`] = attributeSchema(def);
    else properties[def.name] = attributeSchema(def);
  }
  Object.assign(properties, extra);
  return {
    type: "object",
    properties,
    ...(Object.keys(patternProperties).length ? { patternProperties } : {}),
    additionalProperties: false,
  };
}

/** The resource type's URNs: what `schemas` may hold. */
export function urnsOf(rt: ResourceTypeDef): string[] {
  return [rt.schema.id, ...rt.extensions.map((e) => e.schema.id)];
}

/** One resource type's resource, for requests and responses alike (readOnly and writeOnly say which). */
export function resourceSchema(rt: ResourceTypeDef): JsonSchema {
  const extensions: Record<string, JsonSchema> = {};
  for (const { schema } of rt.extensions) extensions[schema.id] = extensionSchema(schema);
  const schemas: JsonSchema = {
    type: "array",
    description: "The URNs of the schemas the resource uses: the core schema and its extensions.",
    items: { enum: urnsOf(rt) },
    contains: { const: rt.schema.id },
  };
  return {
    ...objectOf([...COMMON_ATTRIBUTES, ...rt.schema.attributes], { schemas, ...extensions }),
    description: rt.description ?? rt.name,
  };
}

function extensionSchema(schema: SchemaDef): JsonSchema {
  return { ...objectOf(schema.attributes), description: schema.description ?? schema.name };
}

/** The attributes a client must send on POST and PUT (RFC 7643 `required`). */
export function requiredOnWrite(rt: ResourceTypeDef): string[] {
  const attributes = rt.schema.attributes.filter((a) => a.required && a.mutability !== "readOnly").map((a) => a.name);
  return ["schemas", ...attributes, ...rt.extensions.filter((e) => e.required).map((e) => e.schema.id)];
}

/** The attributes every response carries, whatever `attributes` or `excludedAttributes` ask (`returned: always`). */
export function alwaysReturned(rt: ResourceTypeDef): string[] {
  const always = [...COMMON_ATTRIBUTES, ...rt.schema.attributes].filter((a) => a.returned === "always");
  return ["schemas", ...always.map((a) => a.name)];
}
