/**
 * Custom extension schemas declared by the host (RFC 7643 3.3, 7): `declareSchema` fills in the
 * RFC defaults and refuses mistakes at start-up with a TypeError saying what to change;
 * `withExtensions` builds a new resource type carrying them (the core constants stay untouched).
 */
import type {
  AttributeDef,
  AttributeType,
  Mutability,
  ResourceTypeDef,
  Returned,
  SchemaDef,
  Uniqueness,
} from "./types";
import * as urns from "./urns";
import { isUrn, splitUrn } from "../values/urn";
import { isAttrName } from "./attr-name";

/** One attribute of a custom schema extension. */
export interface AttributeDeclaration {
  name: string;
  type: AttributeType;
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  mutability?: Mutability;
  returned?: Returned;
  uniqueness?: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  description?: string;
  subAttributes?: AttributeDeclaration[];
}

/** A custom schema extension to serve and validate (the `schemas` option). */
export interface SchemaDeclaration {
  id: string;
  name?: string;
  description?: string;
  attributes: AttributeDeclaration[];
}

const TYPES: readonly AttributeType[] = [
  "string",
  "boolean",
  "decimal",
  "integer",
  "dateTime",
  "reference",
  "binary",
  "complex",
];
const MUTABILITY: readonly Mutability[] = ["readOnly", "readWrite", "immutable", "writeOnly"];
const RETURNED: readonly Returned[] = ["always", "never", "default", "request"];
const UNIQUENESS: readonly Uniqueness[] = ["none", "server", "global"];
const ATTRIBUTE_KEYS = new Set([
  "name",
  "type",
  "multiValued",
  "required",
  "caseExact",
  "mutability",
  "returned",
  "uniqueness",
  "canonicalValues",
  "referenceTypes",
  "description",
  "subAttributes",
]);
/** Schema ids the library defines itself: a custom schema may not take one. */
const RESERVED_IDS = new Set(Object.values(urns).map((id) => id.toLowerCase()));

export function declareSchema(decl: SchemaDeclaration): SchemaDef {
  if (decl === null || typeof decl !== "object") throw new TypeError("declareSchema needs { id, attributes }");
  const id = decl.id;
  if (typeof id !== "string" || !isUrn(id) || id.length <= 4 || /\s/.test(id)) {
    throw new TypeError(
      `Schema id must be a URN such as "urn:example:params:scim:schemas:extension:acme:2.0:User", not ${JSON.stringify(id)}`,
    );
  }
  if (RESERVED_IDS.has(id.toLowerCase()))
    throw new TypeError(`Schema id "${id}" is one of the standard schemas; choose your own URN`);
  const where = `Schema "${id}"`;
  if (decl.name !== undefined && (typeof decl.name !== "string" || decl.name === ""))
    throw new TypeError(`${where}: "name" must be a non-empty string`);
  if (decl.description !== undefined && typeof decl.description !== "string")
    throw new TypeError(`${where}: "description" must be a string`);
  if (!Array.isArray(decl.attributes) || decl.attributes.length === 0) {
    throw new TypeError(`${where}: "attributes" must be a non-empty list of attribute declarations`);
  }
  const schema: SchemaDef = {
    id,
    name: decl.name ?? splitUrn(id).rest,
    attributes: declareAttributes(decl.attributes, where, false),
  };
  if (decl.description !== undefined) schema.description = decl.description;
  return schema;
}

function declareAttributes(decls: AttributeDeclaration[], where: string, nested: boolean): AttributeDef[] {
  const seen = new Set<string>();
  return decls.map((decl) => {
    const attr = declareAttribute(decl, where, nested);
    // RFC 7643 2.1: attribute names are case-insensitive, so "costCenter" and "CostCenter" are one.
    if (seen.has(attr.name.toLowerCase()))
      throw new TypeError(`${where}: attribute "${attr.name}" is declared twice (names ignore case)`);
    seen.add(attr.name.toLowerCase());
    return attr;
  });
}

function declareAttribute(decl: AttributeDeclaration, parent: string, nested: boolean): AttributeDef {
  if (decl === null || typeof decl !== "object")
    throw new TypeError(`${parent}: each attribute must be an object { name, type }`);
  const name = decl.name;
  // RFC 7643 2.1 ATTRNAME: no ':' (URN separator) nor '.' (sub-attribute separator).
  if (typeof name !== "string" || !isAttrName(name)) {
    throw new TypeError(
      `${parent}: attribute name ${JSON.stringify(name)} must start with a letter and use only letters, digits, "-" and "_"`,
    );
  }
  const where = `${parent}, attribute "${name}"`;
  for (const key of Object.keys(decl)) {
    if (!ATTRIBUTE_KEYS.has(key)) throw new TypeError(`${where}: unknown option "${key}"`);
  }
  const oneOf = <T extends string>(key: keyof AttributeDeclaration, allowed: readonly T[], fallback: T): T => {
    const value = decl[key];
    if (value === undefined) return fallback;
    if (!allowed.includes(value as T))
      throw new TypeError(`${where}: "${key}" must be one of ${allowed.join(", ")}, not ${JSON.stringify(value)}`);
    return value as T;
  };
  const flag = (key: "multiValued" | "required" | "caseExact") => {
    const value = decl[key];
    if (value !== undefined && typeof value !== "boolean")
      throw new TypeError(`${where}: "${key}" must be true or false`);
    return value ?? false;
  };
  const strings = (key: "canonicalValues" | "referenceTypes") => {
    const value = decl[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string"))
      throw new TypeError(`${where}: "${key}" must be a list of strings`);
    return [...value];
  };
  if (decl.type === undefined) throw new TypeError(`${where}: "type" is required (one of ${TYPES.join(", ")})`);
  const type = oneOf("type", TYPES, "string");
  // RFC 7643 2.2 defaults.
  const attr: AttributeDef = {
    name,
    type,
    multiValued: flag("multiValued"),
    required: flag("required"),
    caseExact: flag("caseExact"),
    mutability: oneOf("mutability", MUTABILITY, "readWrite"),
    returned: oneOf("returned", RETURNED, "default"),
    uniqueness: oneOf("uniqueness", UNIQUENESS, "none"),
  };
  if (decl.description !== undefined) {
    if (typeof decl.description !== "string") throw new TypeError(`${where}: "description" must be a string`);
    attr.description = decl.description;
  }
  const canonicalValues = strings("canonicalValues");
  if (canonicalValues) attr.canonicalValues = canonicalValues;
  const referenceTypes = strings("referenceTypes");
  if (referenceTypes) {
    if (type !== "reference") throw new TypeError(`${where}: "referenceTypes" only applies to reference attributes`);
    attr.referenceTypes = referenceTypes;
  }
  if (type === "complex") {
    // RFC 7643 2.3.8: a complex attribute's sub-attributes are simple.
    if (nested)
      throw new TypeError(
        `${where}: sub-attributes cannot be complex (RFC 7643 2.3.8); flatten it into sub-attributes`,
      );
    if (!Array.isArray(decl.subAttributes) || decl.subAttributes.length === 0) {
      throw new TypeError(`${where}: a complex attribute needs "subAttributes"`);
    }
    attr.subAttributes = declareAttributes(decl.subAttributes, where, true);
  } else if (decl.subAttributes !== undefined) {
    throw new TypeError(`${where}: only complex attributes take "subAttributes"`);
  }
  return attr;
}

/**
 * A new resource type: `rt` plus custom extensions. `required` lists extension ids (new or
 * existing) that every resource must carry.
 */
export function withExtensions(
  rt: ResourceTypeDef,
  extensions: readonly SchemaDef[],
  required: readonly string[] = [],
): ResourceTypeDef {
  const all = [...rt.extensions.map((e) => ({ ...e }))];
  const taken = new Set([rt.schema.id, ...all.map((e) => e.schema.id)].map((id) => id.toLowerCase()));
  for (const schema of extensions) {
    if (!schema || typeof schema.id !== "string" || !Array.isArray(schema.attributes)) {
      throw new TypeError(
        `withExtensions takes schemas made by declareSchema(); got ${JSON.stringify(schema)?.slice(0, 80)}`,
      );
    }
    if (taken.has(schema.id.toLowerCase()))
      throw new TypeError(`Resource type ${rt.name} already has schema "${schema.id}"`);
    taken.add(schema.id.toLowerCase());
    all.push({ schema, required: false });
  }
  for (const id of required) {
    const entry = all.find((e) => e.schema.id.toLowerCase() === String(id).toLowerCase());
    if (!entry) throw new TypeError(`Resource type ${rt.name} has no extension "${id}" to require`);
    entry.required = true;
  }
  return { ...rt, extensions: all };
}
