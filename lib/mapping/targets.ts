/**
 * What a resolved SCIM record path (`["emails", "value"]`, `["urn:...:User", "manager", "value"]`)
 * names in a compiled mapping. Shared by filters, sorts and unique keys.
 */
import type { Model, AttributeMap, Group } from "./model";
import { attributeKey } from "./model";
import { reservedAppRoots, type CompiledPair } from "./pairs";

export type Target =
  /** `id`, `meta.*`, User `groups`, Group `members`: kept beside the record, passed through. */
  | { kind: "server" }
  /** A bare extension URN (`urn:...:enterprise:2.0:User pr`). */
  | { kind: "extension"; container: string }
  | { kind: "attribute"; entry: AttributeMap; rest: string[] }
  | { kind: "unmapped" };

export function locate(model: Model, path: readonly string[]): Target {
  const { rt } = model;
  const extension = rt.extensions.find((e) => e.schema.id.toLowerCase() === path[0]?.toLowerCase());
  if (extension && path.length === 1) return { kind: "extension", container: extension.schema.id };
  const container = extension?.schema.id;
  const [name, ...rest] = extension ? path.slice(1) : path;
  if (name === undefined) return { kind: "unmapped" };
  if (!container && reservedAppRoots(rt).includes(name.toLowerCase())) return { kind: "server" };
  const entry = model.attributes.get(attributeKey(container, name));
  return entry ? { kind: "attribute", entry, rest } : { kind: "unmapped" };
}

/** How errors name a record path: URN-qualified for extensions, dotted below. */
export function showPath(model: Model, path: readonly string[]): string {
  const extension = model.rt.extensions.find((e) => e.schema.id.toLowerCase() === path[0]?.toLowerCase());
  return extension && path.length > 1 ? `${extension.schema.id}:${path.slice(1).join(".")}` : path.join(".");
}

/** The pair mapping sub-attribute `name` in a group (case-insensitive, as lookups everywhere). */
export function subPair(group: Group, name: string): CompiledPair | undefined {
  const exact = group.subs.get(name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  for (const [key, pair] of group.subs) if (key.toLowerCase() === lower) return pair;
  return undefined;
}

export function selectorField(group: Group, name: string) {
  const lower = name.toLowerCase();
  return group.selector.find((f) => f.def.name.toLowerCase() === lower);
}

/** How sub-attribute `name` of a group's element is known: fixed, stored at an app path, or absent. */
export type FieldSource =
  | { kind: "fixed"; value: string | number | boolean }
  | { kind: "pair"; pair: CompiledPair }
  | { kind: "inWhole"; pair: CompiledPair }
  | { kind: "absent"; writeOnly: boolean };

export function fieldSource(group: Group, name: string): FieldSource {
  const fixed = selectorField(group, name);
  if (fixed) return { kind: "fixed", value: fixed.value };
  const pair = subPair(group, name);
  if (pair) return pair.readable ? { kind: "pair", pair } : { kind: "absent", writeOnly: true };
  if (group.whole)
    return group.whole.readable ? { kind: "inWhole", pair: group.whole } : { kind: "absent", writeOnly: true };
  return { kind: "absent", writeOnly: false };
}
