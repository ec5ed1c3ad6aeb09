/**
 * RFC 7643 2.4 (`returned`) and RFC 7644 3.4.2.5 (`attributes`, `excludedAttributes`):
 * which attributes of a rendered resource go on the wire.
 */
import type { AttributeDef, ResourceTypeDef } from "../schema/types";
import { COMMON_ATTRIBUTES } from "../schema/core";
import { schemasOf } from "../schema/resolve";
import type { AttributeKey } from "./attribute-list";
import { isObject } from "../values/json";

export interface Projection {
  attributes?: AttributeKey[];
  excludedAttributes?: AttributeKey[];
}

type Json = Record<string, unknown>;

const startsWith = (key: AttributeKey, prefix: string[]) => prefix.every((p, i) => key[i] === p);

/** Would the projection keep anything at or below `path`? Lets callers skip expensive loads (group members). */
export function wants(rt: ResourceTypeDef, projection: Projection, path: string[]): boolean {
  const def = definitionAt(rt, path);
  if (def?.returned === "never") return false;
  if (def?.returned === "always") return true;
  if (projection.attributes) {
    return projection.attributes.some((k) => startsWith(k, path) || startsWith(path, k));
  }
  if (projection.excludedAttributes?.some((k) => startsWith(path, k))) return false;
  return def?.returned !== "request";
}

/**
 * Definitions by path, per resource type: wants() asks for every attribute of every resource
 * rendered, and a lookup walked the schemas each time (issue 17: a lookup's CPU time).
 */
const definitions = new WeakMap<ResourceTypeDef, Map<string, AttributeDef | undefined>>();

function definitionAt(rt: ResourceTypeDef, path: string[]): AttributeDef | undefined {
  let known = definitions.get(rt);
  if (!known) {
    known = new Map();
    definitions.set(rt, known);
  }
  const key = path.join("\u0000");
  if (known.has(key)) return known.get(key);
  const def = findDefinition(rt, path);
  known.set(key, def);
  return def;
}

function findDefinition(rt: ResourceTypeDef, path: string[]): AttributeDef | undefined {
  for (const schema of schemasOf(rt)) {
    const core = schema === rt.schema;
    if (!core && path[0] !== schema.id) continue;
    const [name, sub] = core ? path : path.slice(1);
    const pool = core ? [...COMMON_ATTRIBUTES, ...schema.attributes] : schema.attributes;
    const attr = pool.find((a) => a.name === name);
    if (!attr) continue;
    return sub === undefined ? attr : (attr.subAttributes?.find((s) => s.name === sub) ?? attr);
  }
  return undefined;
}

function projectAttributes(
  attrs: readonly AttributeDef[],
  source: Json,
  keep: (path: string[]) => boolean,
  at: string[],
): Json {
  const out: Json = {};
  for (const attr of attrs) {
    const value = source[attr.name];
    if (value === undefined) continue;
    const path = [...at, attr.name];
    if (!attr.subAttributes || !keep(path)) {
      if (keep(path)) out[attr.name] = value;
      continue;
    }
    const subs = attr.subAttributes;
    const pick = (element: unknown) => (isObject(element) ? projectAttributes(subs, element, keep, path) : element);
    out[attr.name] = Array.isArray(value) ? value.map(pick) : pick(value);
  }
  return out;
}

/**
 * What project() keeps of one element of the core multi-valued attribute `name` (a group's
 * members), for elements rendered apart from their resource: the same rules, element by element.
 */
export function elementProjection(
  rt: ResourceTypeDef,
  projection: Projection,
  name: string,
): (element: unknown) => unknown {
  const keep = (path: string[]) => wants(rt, projection, path);
  const subs = rt.schema.attributes.find((a) => a.name === name)?.subAttributes;
  return (element) => (subs && isObject(element) ? projectAttributes(subs, element, keep, [name]) : element);
}

/**
 * Returns a copy of `resource` holding only what the client should see. `id` and `schemas`
 * are always returned (RFC 7643 3.1); `password` never (returned: never).
 */
export function project(rt: ResourceTypeDef, resource: Json, projection: Projection): Json {
  const keep = (path: string[]) => wants(rt, projection, path);
  const out: Json = { schemas: resource.schemas };
  const [meta, common] = partition(COMMON_ATTRIBUTES, (a) => a.name === "meta");
  Object.assign(out, projectAttributes(common, resource, keep, []));
  Object.assign(out, projectAttributes(rt.schema.attributes, resource, keep, []));
  for (const { schema } of rt.extensions) {
    const ext = resource[schema.id];
    if (!isObject(ext)) continue;
    const projected = projectAttributes(schema.attributes, ext, (p) => keep([schema.id, ...p]), []);
    if (Object.keys(projected).length > 0) out[schema.id] = projected;
  }
  // meta last: what people read first is the resource, not its bookkeeping.
  Object.assign(out, projectAttributes(meta, resource, keep, []));
  out.schemas = carriedSchemas(rt, out);
  return out;
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((i) => !test(i))];
}

/**
 * The `schemas` a resource carries (RFC 7643 3): its core schema, then each extension whose
 * object it holds. Rendering, projection and PATCH all list them here.
 */
export function carriedSchemas(rt: ResourceTypeDef, resource: Readonly<Record<string, unknown>>): string[] {
  return [rt.schema.id, ...rt.extensions.map((e) => e.schema.id).filter((id) => isObject(resource[id]))];
}
