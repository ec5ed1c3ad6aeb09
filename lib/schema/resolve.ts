/**
 * Finding attributes by the names clients write. Names are case-insensitive everywhere
 * (RFC 7643 2.1; Entra sends `DisplayName`, `Primary`), so every lookup here ignores case and
 * answers with the canonical spelling.
 */
import type { AttributeDef, ResourceTypeDef, SchemaDef } from "./types";
import { COMMON_ATTRIBUTES } from "./core";

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function findAttribute(attributes: readonly AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  return attributes?.find((attr) => same(attr.name, name));
}

/** Every schema of a resource type, core first. */
export function schemasOf(rt: ResourceTypeDef): SchemaDef[] {
  return [rt.schema, ...rt.extensions.map((e) => e.schema)];
}

export function findSchema(rt: ResourceTypeDef, uri: string): SchemaDef | undefined {
  return schemasOf(rt).find((s) => same(s.id, uri));
}

export function isExtension(rt: ResourceTypeDef, schema: SchemaDef): boolean {
  return schema !== rt.schema;
}

export interface LocatedAttribute {
  schema: SchemaDef;
  /** The top-level attribute. */
  attribute: AttributeDef;
  /** The sub-attribute, when the path names one. */
  sub?: AttributeDef;
  /** Keys from the record root: extension attributes live under their schema URN. */
  path: string[];
}

/**
 * Locates `[uri:]name[.subAttr]` in a resource type. Without a URI the core schema and the
 * common attributes are searched first, then the extensions (clients rarely qualify names).
 * Returns undefined for unknown names; callers decide which error that is.
 */
export function locateAttribute(
  rt: ResourceTypeDef,
  ref: { uri?: string; name: string; subAttr?: string },
): LocatedAttribute | undefined {
  const candidates = ref.uri ? [findSchema(rt, ref.uri)].filter((s): s is SchemaDef => !!s) : schemasOf(rt);
  for (const schema of candidates) {
    const common = schema === rt.schema ? findAttribute(COMMON_ATTRIBUTES, ref.name) : undefined;
    const attribute = common ?? findAttribute(schema.attributes, ref.name);
    if (!attribute) continue;
    const root = isExtension(rt, schema) ? [schema.id, attribute.name] : [attribute.name];
    if (ref.subAttr === undefined) return { schema, attribute, path: root };
    const sub = findAttribute(attribute.subAttributes, ref.subAttr);
    if (!sub) return undefined;
    return { schema, attribute, sub, path: [...root, sub.name] };
  }
  return undefined;
}
