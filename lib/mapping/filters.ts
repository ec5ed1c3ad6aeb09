/**
 * A resolved SCIM filter -> the same question asked of app records. The test of correctness:
 * for every record r, evaluate(mapFilter(f), r) === evaluate(f, fromRecord(r)) (plus id/meta),
 * which __tests__/protocol/mapping-filter.test.ts checks over generated records.
 *
 * Piecewise-mapped complex attributes are seen as their groups' virtual elements (model.ts):
 * inside one element a sub-attribute is either fixed by the selector (folded to a constant),
 * stored at an app path, or absent (also a constant). An element exists when one of its readable
 * values is present, so `emails[not (value eq "x")]` also asks that the element exists.
 */
import { type ScimError, invalidFilter } from "../protocol/errors";
import { evaluate } from "../protocol/filter/evaluate";
import type { CompareOp, Literal, ResolvedAttr, ResolvedFilter } from "../protocol/filter/ast";
import { TEXT_TYPES } from "../schema/types";
import type { AttributeMap, Group, Model } from "./model";
import { transformed, type CompiledPair } from "./pairs";
import { fieldSource, locate, showPath } from "./targets";

export type Folded = ResolvedFilter | boolean;
type Leaf = Extract<ResolvedFilter, { attrPath: ResolvedAttr }> & { op: CompareOp | "pr" };
type ValuePath = Extract<ResolvedFilter, { op: "valuePath" }>;

export function mapFilter(model: Model, filter: ResolvedFilter): Folded {
  switch (filter.op) {
    case "and":
      return and(filter.filters.map((f) => mapFilter(model, f)));
    case "or":
      return or(filter.filters.map((f) => mapFilter(model, f)));
    case "not":
      return not(mapFilter(model, filter.filter));
    case "valuePath":
      return mapValuePath(model, filter);
    default:
      return mapLeaf(model, filter as Leaf);
  }
}

function mapLeaf(model: Model, leaf: Leaf): Folded {
  const target = locate(model, leaf.attrPath.path);
  const shown = showPath(model, leaf.attrPath.path);
  switch (target.kind) {
    case "server":
      return leaf;
    case "extension":
      // `urn:...:enterprise:2.0:User pr` (and `schemas eq "urn:..."`): some value of it is shown.
      return or(model.pairs.filter((p) => p.container === target.container && p.readable).map(present));
    case "unmapped":
      throw unmapped(model, shown);
  }
  const { entry, rest } = target;
  if (entry.whole) return throughWhole(entry.whole, leaf, rest, shown);
  const [field] = rest;
  if (field === undefined) {
    // Only `pr` reaches here: resolveFilter reads `emails eq "x"` as `emails.value eq "x"`.
    if (leaf.op !== "pr") throw invalidFilter(`"${shown}" is complex: compare one of its sub-attributes`);
    return or(entry.groups.map(exists));
  }
  checkField(entry, field, shown);
  // Arrays flatten: `emails.value ne "x"` holds when no element's value equals "x".
  if (leaf.op === "ne") return not(mapLeaf(model, { ...leaf, op: "eq" }));
  const inElement: Leaf = { ...leaf, attrPath: { ...leaf.attrPath, path: [field], multiValued: false } };
  return or(entry.groups.map((g) => withExistence(g, elementLeaf(g, inElement, shown))));
}

function mapValuePath(model: Model, filter: ValuePath): Folded {
  const target = locate(model, filter.attrPath.path);
  const shown = showPath(model, filter.attrPath.path);
  if (target.kind === "server") return filter;
  if (target.kind !== "attribute") throw unmapped(model, shown);
  const { entry } = target;
  if (entry.whole) {
    // Stored whole (`emails` -> `emailList`): the same value filter applies to the app's list.
    readableUntransformed(entry.whole, shown);
    return { op: "valuePath", attrPath: { ...filter.attrPath, path: entry.whole.app }, filter: filter.filter };
  }
  return or(entry.groups.map((g) => withExistence(g, mapInner(entry, g, filter.filter, shown))));
}

/** The inner filter of a value path, for one group's element. */
function mapInner(entry: AttributeMap, group: Group, filter: ResolvedFilter, shown: string): Folded {
  switch (filter.op) {
    case "and":
      return and(filter.filters.map((f) => mapInner(entry, group, f, shown)));
    case "or":
      return or(filter.filters.map((f) => mapInner(entry, group, f, shown)));
    case "not":
      return not(mapInner(entry, group, filter.filter, shown));
    case "valuePath":
      throw invalidFilter("Nested value filters are not allowed");
    default: {
      const field = subAttribute(filter);
      checkField(entry, field, `${shown}.${field}`);
      return elementLeaf(group, filter, `${shown}.${field}`);
    }
  }
}

/** The sub-attribute a leaf inside a value path names: resolveFilter gives it a one-key path. */
function subAttribute(leaf: Leaf): string {
  const [field] = leaf.attrPath.path;
  if (field === undefined) throw invalidFilter("Empty attribute path");
  return field;
}

/** A leaf whose path is one sub-attribute name, asked of one group's element. */
function elementLeaf(group: Group, leaf: Leaf, shown: string): Folded {
  const field = subAttribute(leaf);
  const source = fieldSource(group, field);
  switch (source.kind) {
    case "fixed":
      return evaluate(leaf, { [field]: source.value });
    case "absent":
      return evaluate(leaf, {});
    case "pair":
      return onPair(source.pair, leaf, shown);
    case "inWhole":
      readableUntransformed(source.pair, shown);
      return { ...leaf, attrPath: { ...leaf.attrPath, path: [...source.pair.app, field] } };
  }
}

function throughWhole(pair: CompiledPair, leaf: Leaf, rest: string[], shown: string): Folded {
  if (rest.length === 0) return onPair(pair, leaf, shown);
  readableUntransformed(pair, shown);
  return { ...leaf, attrPath: { ...leaf.attrPath, path: [...pair.app, ...rest] } };
}

/** A leaf on a value stored at the pair's app path: type and caseExact stay the SCIM attribute's. */
function onPair(pair: CompiledPair, leaf: Leaf, shown: string): Folded {
  if (!pair.readable) throw invalidFilter(`"${shown}" is write-only in this mapping and cannot be filtered on`);
  const attrPath: ResolvedAttr = { ...leaf.attrPath, path: pair.app, multiValued: pair.target.multiValued };
  if (leaf.op === "pr") return { op: "pr", attrPath };
  let value: Literal = leaf.compValue;
  if (pair.invert && typeof value === "boolean") value = !value; // active eq true -> blocked eq false
  if (pair.toApp || pair.toScim) {
    if (leaf.op !== "eq" && leaf.op !== "ne") {
      throw invalidFilter(`"${leaf.op}" cannot be used on "${shown}": it is transformed for the app; use eq, ne or pr`);
    }
    if (!pair.toApp) throw invalidFilter(`"${shown}" has no toApp transform, so it can only be tested with pr`);
    const out = pair.toApp(value);
    // No app value stands for this literal, so no shown value equals it.
    if (out === undefined || out === null) return leaf.op === "ne";
    if (typeof out !== "string" && typeof out !== "number" && typeof out !== "boolean") {
      throw invalidFilter(`"${shown}" cannot be compared: its toApp transform does not give a plain value`);
    }
    value = out;
  }
  return guardEmpty({ op: leaf.op, attrPath, compValue: value } as Leaf);
}

/**
 * records.ts never shows a value that is not present, so an app value "" is absent in SCIM. A
 * text comparison that "" would satisfy (`eq ""`, `lt "b"`, `ne ""`...) must then answer as
 * for an absent value: false, or true for `ne`.
 */
function guardEmpty(leaf: Leaf): Folded {
  if (leaf.op === "pr" || !TEXT_TYPES.has(leaf.attrPath.type)) return leaf;
  const probe = { ...leaf, attrPath: { ...leaf.attrPath, path: ["v"] } } as ResolvedFilter;
  if (evaluate(probe, { v: "" }) === evaluate(probe, {})) return leaf;
  const presence: ResolvedFilter = { op: "pr", attrPath: leaf.attrPath };
  return leaf.op === "ne" ? or([not(presence), leaf]) : and([presence, leaf]);
}

function readableUntransformed(pair: CompiledPair, shown: string): void {
  if (!pair.readable) throw invalidFilter(`"${shown}" is write-only in this mapping and cannot be filtered on`);
  if (transformed(pair)) throw invalidFilter(`"${shown}" lies inside a transformed value and cannot be filtered on`);
}

/** A sub-attribute no group knows (neither selected on nor shown) is unmapped: 400, not an empty list. */
function checkField(entry: AttributeMap, field: string, shown: string): void {
  let writeOnly = false;
  for (const group of entry.groups) {
    const source = fieldSource(group, field);
    if (source.kind !== "absent") return;
    writeOnly ||= source.writeOnly;
  }
  if (writeOnly) throw invalidFilter(`"${shown}" is write-only in this mapping and cannot be filtered on`);
  throw invalidFilter(`Attribute "${shown}" is not mapped, so it cannot be filtered on`);
}

function unmapped(model: Model, shown: string): ScimError {
  return invalidFilter(
    `Attribute "${shown}" is not mapped for resource type ${model.rt.name}, so it cannot be filtered on`,
  );
}

function present(pair: CompiledPair): ResolvedFilter {
  return {
    op: "pr",
    attrPath: { path: pair.app, type: pair.target.type, caseExact: pair.target.caseExact, multiValued: false },
  };
}

/** A group's element is shown when one of its readable values is present (records.ts). */
function exists(group: Group): Folded {
  return or(group.pairs.filter((p) => p.readable).map(present));
}

function withExistence(group: Group, mapped: Folded): Folded {
  if (mapped === false) return false;
  if (mapped === true) return exists(group);
  return implies(mapped, group) ? mapped : and([exists(group), mapped]);
}

/** True when `filter` can only hold if one of the group's app values is present. */
function implies(filter: ResolvedFilter, group: Group): boolean {
  switch (filter.op) {
    case "and":
      return filter.filters.some((f) => implies(f, group));
    case "or":
      return filter.filters.every((f) => implies(f, group));
    case "not":
    case "valuePath":
    case "ne":
    case "lt": // "" < "b": ordering below can match an empty (absent) string
    case "le":
      return false;
    case "pr":
      return onGroup(filter.attrPath.path, group);
    default:
      return filter.compValue !== "" && filter.compValue !== null && onGroup(filter.attrPath.path, group);
  }
}

function onGroup(path: readonly string[], group: Group): boolean {
  return group.pairs.some((p) => p.readable && p.app.length <= path.length && p.app.every((k, i) => k === path[i]));
}

export function and(parts: Folded[]): Folded {
  const out: ResolvedFilter[] = [];
  for (const part of parts) {
    if (part === false) return false;
    if (part === true) continue;
    if (part.op === "and") out.push(...part.filters);
    else out.push(part);
  }
  return out.length > 1 ? { op: "and", filters: out } : (out[0] ?? true);
}

export function or(parts: Folded[]): Folded {
  const out: ResolvedFilter[] = [];
  for (const part of parts) {
    if (part === true) return true;
    if (part === false) continue;
    if (part.op === "or") out.push(...part.filters);
    else out.push(part);
  }
  return out.length > 1 ? { op: "or", filters: out } : (out[0] ?? false);
}

export function not(part: Folded): Folded {
  if (typeof part === "boolean") return !part;
  return part.op === "not" ? part.filter : { op: "not", filter: part };
}
