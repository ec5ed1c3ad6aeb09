/**
 * The compiled shape of a mapping, indexed by SCIM attribute. Every complex attribute mapped
 * piecewise is seen as a list of "groups": one per selector (`emails[type eq "work"]`), or a
 * single selector-less group for a single-valued complex attribute (`name.givenName`). In the
 * SCIM view each group is at most one element, so records, filters and sorts all reason about
 * the same virtual elements.
 */
import type { ResolvedFilter } from "../protocol/filter/ast";
import type { AttributeDef, ResourceTypeDef, SchemaDef } from "../schema/types";
import { overlaps } from "./app-path";
import { compilePair, selectorFilter, type CompiledPair, type SelectorField } from "./pairs";
import type { MappingPair } from "./types";
import { fold as foldText } from "../values/fold";

export interface Group {
  /** Empty for a single-valued complex attribute. */
  selector: SelectorField[];
  /** The selector as a filter on one element; undefined when the selector is empty. */
  filter?: ResolvedFilter;
  /**
   * Selectors with `primary eq true`: the rest of the selector, for the fallback to the one
   * matching element that does not say `primary` (`true` when nothing else is selected on).
   */
  fallback?: ResolvedFilter | true;
  /** A whole-element pair (`addresses[primary eq true]`). */
  whole?: CompiledPair;
  /** Sub-attribute pairs, by canonical sub-attribute name. */
  subs: Map<string, CompiledPair>;
  pairs: CompiledPair[];
}

export interface AttributeMap {
  schema: SchemaDef;
  container: string | undefined;
  attribute: AttributeDef;
  /** A pair on the attribute itself: `userName`, `name`, `emails`, `...:employeeNumber`. */
  whole?: CompiledPair;
  groups: Group[];
}

export interface Model {
  rt: ResourceTypeDef;
  pairs: CompiledPair[];
  attributes: Map<string, AttributeMap>;
}

export const attributeKey = (container: string | undefined, name: string) =>
  `${(container ?? "").toLowerCase()}|${name.toLowerCase()}`;

export function buildModel(rt: ResourceTypeDef, pairs: readonly MappingPair[], what: string): Model {
  if (!Array.isArray(pairs)) throw new TypeError(`${what} mapping must be an array of { scim, app } pairs`);
  const compiled = pairs.map((p, i) => compilePair(rt, p, i, what));
  checkAppPaths(compiled);
  const attributes = new Map<string, AttributeMap>();
  for (const pair of compiled) {
    const key = attributeKey(pair.container, pair.attribute.name);
    let entry = attributes.get(key);
    if (!entry) {
      entry = { schema: pair.schema, container: pair.container, attribute: pair.attribute, groups: [] };
      attributes.set(key, entry);
    }
    place(entry, pair);
  }
  const model = { rt, pairs: compiled, attributes };
  checkRequired(model, what);
  return model;
}

function checkAppPaths(pairs: CompiledPair[]): void {
  for (const [i, pair] of pairs.entries()) {
    for (const other of pairs.slice(0, i)) {
      if (overlaps(pair.app, other.app)) {
        const same = pair.app.length === other.app.length;
        throw new TypeError(
          `${pair.label}: app path "${pair.app.join(".")}" ${same ? "is also written by" : "overlaps"} ` +
            `"${other.app.join(".")}" of ${other.label}; each pair needs its own app path`,
        );
      }
    }
  }
}

function clash(pair: CompiledPair, other: CompiledPair, why: string): never {
  throw new TypeError(`${pair.label}: ${why} ${other.label}; map each SCIM attribute once`);
}

function place(entry: AttributeMap, pair: CompiledPair): void {
  const other = entry.whole ?? entry.groups[0]?.pairs[0];
  if (!pair.selector && !pair.sub) {
    // The attribute itself: nothing else may map any part of it.
    if (other) clash(pair, other, `"${pair.attribute.name}" is already mapped in part by`);
    entry.whole = pair;
    return;
  }
  if (entry.whole) clash(pair, entry.whole, `"${pair.attribute.name}" is already mapped whole by`);
  const selector = pair.selector ?? [];
  let group = entry.groups.find((g) => sameSelector(g.selector, selector));
  if (!group) {
    for (const g of entry.groups) {
      if (compatible(g.selector, selector)) {
        throw new TypeError(
          // A group is made for a pair and holds it from then on: pairs[0] exists.
          `${pair.label}: its selector and the one of ${g.pairs[0]!.label} can pick the same element of ` +
            `"${pair.attribute.name}"; make them exclusive (e.g. different "type" values) or use one selector`,
        );
      }
    }
    group = { selector, subs: new Map(), pairs: [] };
    if (selector.length > 0) group.filter = selectorFilter(selector);
    const rest = selector.filter((f) => !isPrimary(f));
    if (rest.length < selector.length) group.fallback = rest.length > 0 ? selectorFilter(rest) : true;
    entry.groups.push(group);
  }
  if (!pair.sub) {
    const [first] = group.pairs;
    if (first) clash(pair, first, "this element is already mapped in part by");
    group.whole = pair;
  } else {
    if (group.whole) clash(pair, group.whole, "this element is already mapped whole by");
    const taken = group.subs.get(pair.sub.name);
    if (taken) clash(pair, taken, `"${pair.sub.name}" is already mapped by`);
    group.subs.set(pair.sub.name, pair);
  }
  group.pairs.push(pair);
}

/** Literals as evaluate compares them: strings without case unless caseExact. */
function fold(field: SelectorField): string {
  const v = field.value;
  return typeof v === "string" && !field.def.caseExact ? `s:${foldText(v)}` : `${typeof v}:${String(v)}`;
}

function sameSelector(a: readonly SelectorField[], b: readonly SelectorField[]): boolean {
  return a.length === b.length && a.every((f) => b.some((g) => g.def === f.def && fold(g) === fold(f)));
}

/** Two selectors can pick one element unless they fix some sub-attribute to different values. */
function compatible(a: readonly SelectorField[], b: readonly SelectorField[]): boolean {
  return a.every((f) => b.every((g) => g.def !== f.def || fold(g) === fold(f)));
}

const isPrimary = (f: SelectorField) => f.def.name === "primary" && f.def.type === "boolean" && f.value === true;

/**
 * RFC 7643 2.2: required attributes must have a value, so a mapping that cannot show or store
 * them (`userName`, Group `displayName`) is refused. Extensions count when something in them is
 * mapped or the resource type requires them.
 */
function checkRequired(model: Model, what: string): void {
  const { rt } = model;
  const schemas = [rt.schema, ...rt.extensions.map((e) => e.schema)];
  for (const schema of schemas) {
    const container = schema === rt.schema ? undefined : schema.id;
    const used = [...model.attributes.values()].some((a) => a.schema === schema);
    const extension = rt.extensions.find((e) => e.schema === schema);
    if (extension && !used && !extension.required) continue;
    for (const attribute of schema.attributes) {
      if (!attribute.required || attribute.mutability === "readOnly") continue;
      const entry = model.attributes.get(attributeKey(container, attribute.name));
      const pairs = entry ? [entry.whole, ...entry.groups.flatMap((g) => g.pairs)] : [];
      if (!pairs.some((p) => p?.readable && p.writable)) {
        const where = container ? `${container}:${attribute.name}` : attribute.name;
        throw new TypeError(
          `${what} mapping must map "${where}" both ways: it is required by the ${schema.name} schema`,
        );
      }
    }
  }
}
