/**
 * One mapping pair, checked and compiled at start-up. Every mistake is a TypeError whose message
 * names the pair and says what to change (style.md 3: a request never finds a config mistake).
 */
import { ScimError } from "../protocol/errors";
import type { Filter, Literal, ResolvedFilter } from "../protocol/filter/ast";
import { parsePatchPath } from "../protocol/filter/parse";
import { coerceLiteral } from "../protocol/filter/resolve";
import { COMMON_ATTRIBUTES } from "../schema/core";
import { findAttribute, locateAttribute } from "../schema/resolve";
import type { AttributeDef, ResourceTypeDef, SchemaDef } from "../schema/types";
import { GROUP_SCHEMA, USER_SCHEMA } from "../schema/urns";
import { parseAppPath } from "./app-path";
import type { MappingDirection, MappingPair } from "./types";

export interface SelectorField {
  def: AttributeDef;
  /** The selector's literal, coerced to the sub-attribute's type. */
  value: Exclude<Literal, null>;
}

export interface CompiledPair {
  /** How messages name this pair: `users mapping #2 (scim "emails[type eq "work"].value")`. */
  label: string;
  schema: SchemaDef;
  /** Where the schema's attributes live in a resource: undefined for the core schema, else the URN. */
  container: string | undefined;
  attribute: AttributeDef;
  /** Multi-valued complex attributes only: which element the pair reads and writes. */
  selector?: SelectorField[];
  sub?: AttributeDef;
  /** `sub ?? attribute`: what the pair's values are. */
  target: AttributeDef;
  app: string[];
  /** Shown in SCIM (direction both or toScim). */
  readable: boolean;
  /** Written from SCIM (direction both or toApp). */
  writable: boolean;
  invert: boolean;
  toApp?: (value: unknown) => unknown;
  toScim?: (value: unknown) => unknown;
}

const KEYS = new Set(["scim", "app", "invert", "toApp", "toScim", "direction"]);
const DIRECTIONS: ReadonlySet<string> = new Set(["both", "toApp", "toScim"]);

export function transformed(pair: CompiledPair): boolean {
  return pair.invert || !!pair.toApp || !!pair.toScim;
}

/** App path roots the stores and the service use beside the record (see stores/memory/view.ts). */
export function reservedAppRoots(rt: ResourceTypeDef): string[] {
  const roots = ["id", "meta"];
  if (rt.schema.id === USER_SCHEMA) roots.push("groups");
  if (rt.schema.id === GROUP_SCHEMA) roots.push("members");
  return roots;
}

/** Attributes the server owns or computes: never mapped, and passed through filters unchanged. */
export function isServerAttribute(rt: ResourceTypeDef, schema: SchemaDef, attribute: AttributeDef): boolean {
  if (schema !== rt.schema) return false;
  if (COMMON_ATTRIBUTES.some((c) => c === attribute) && attribute.name !== "externalId") return true;
  if (rt.schema.id === USER_SCHEMA && attribute.name === "groups") return true;
  return rt.schema.id === GROUP_SCHEMA && attribute.name === "members";
}

export function compilePair(rt: ResourceTypeDef, pair: MappingPair, index: number, what: string): CompiledPair {
  const shown = typeof pair?.scim === "string" ? ` (scim "${pair.scim}")` : "";
  const label = `${what} mapping #${index + 1}${shown}`;
  const fail = (message: string): never => {
    throw new TypeError(`${label}: ${message}`);
  };
  if (pair === null || typeof pair !== "object") fail("each pair must be an object { scim, app }");
  for (const key of Object.keys(pair)) {
    if (!KEYS.has(key)) fail(`unknown option "${key}"; the options are ${[...KEYS].join(", ")}`);
  }
  if (typeof pair.scim !== "string" || pair.scim.trim() === "")
    fail(`"scim" must be a SCIM attribute path such as "name.givenName"`);

  let parsed: ReturnType<typeof parsePatchPath>;
  try {
    parsed = parsePatchPath(pair.scim.trim());
  } catch (e) {
    if (e instanceof ScimError) fail(`"scim" is not a SCIM path: ${e.detail}`);
    throw e;
  }
  const located = locateAttribute(rt, parsed.attrPath);
  if (!located) fail(`"scim" names no attribute of resource type ${rt.name}`);
  const { schema, attribute } = located!;
  if (isServerAttribute(rt, schema, attribute)) fail(`"${attribute.name}" is kept by the server and cannot be mapped`);
  if (rt.schema.id === USER_SCHEMA && schema === rt.schema && attribute.name === "password") {
    fail(`"password" is never passed to mappings: it is accepted and never stored`);
  }

  let sub = located!.sub;
  let selector: SelectorField[] | undefined;
  if (parsed.valueFilter) {
    if (!attribute.multiValued || attribute.type !== "complex") {
      fail(`a selector ([...]) needs a multi-valued complex attribute; "${attribute.name}" is not one`);
    }
    selector = compileSelector(attribute, parsed.valueFilter, fail);
    if (parsed.subAttr !== undefined) {
      sub = findAttribute(attribute.subAttributes, parsed.subAttr);
      if (!sub) fail(`"${attribute.name}" has no sub-attribute "${parsed.subAttr}"`);
      if (selector.some((f) => f.def === sub))
        fail(`"${sub!.name}" is fixed by the selector; map another sub-attribute`);
    }
  } else if (sub && attribute.multiValued) {
    fail(
      `"${attribute.name}" is multi-valued: choose an element with a selector, e.g. "${attribute.name}[primary eq true].${sub.name}"`,
    );
  }
  const target = sub ?? attribute;

  const direction: MappingDirection = pair.direction ?? "both";
  if (!DIRECTIONS.has(direction))
    fail(`"direction" must be "both", "toApp" or "toScim", not ${JSON.stringify(direction)}`);
  const readOnly = attribute.mutability === "readOnly" || sub?.mutability === "readOnly";
  if (readOnly && direction !== "toScim")
    fail(`"${target.name}" is readOnly in SCIM: map it with direction "toScim" (app-owned)`);
  const writeOnly = attribute.mutability === "writeOnly" || sub?.mutability === "writeOnly";
  if (writeOnly && direction !== "toApp") fail(`"${target.name}" is writeOnly in SCIM: map it with direction "toApp"`);

  if (pair.invert !== undefined && typeof pair.invert !== "boolean") fail(`"invert" must be true or false`);
  if (pair.invert && (target.type !== "boolean" || target.multiValued)) {
    fail(
      `"invert" only applies to single boolean attributes; "${target.name}" is ${target.multiValued ? "multi-valued " : ""}${target.type}`,
    );
  }
  for (const key of ["toApp", "toScim"] as const) {
    if (pair[key] !== undefined && typeof pair[key] !== "function") fail(`"${key}" must be a function`);
  }

  const appPath = parseAppPath(pair.app);
  const app = typeof appPath === "string" ? fail(appPath) : appPath;
  const root = app[0].toLowerCase();
  if (reservedAppRoots(rt).includes(root)) {
    fail(
      `"app" path "${pair.app}" starts with "${root}", which the server keeps beside the record; choose another name`,
    );
  }

  const compiled: CompiledPair = {
    label,
    schema,
    container: schema === rt.schema ? undefined : schema.id,
    attribute,
    target,
    app,
    readable: direction !== "toApp",
    writable: direction !== "toScim",
    invert: pair.invert === true,
  };
  if (selector) compiled.selector = selector;
  if (sub) compiled.sub = sub;
  if (pair.toApp) compiled.toApp = pair.toApp;
  if (pair.toScim) compiled.toScim = pair.toScim;
  return compiled;
}

/** `[type eq "work" and primary eq true]`: only `eq` on sub-attributes, joined by `and`. */
function compileSelector(attribute: AttributeDef, filter: Filter, fail: (m: string) => never): SelectorField[] {
  const leaves: Filter[] = [];
  const flatten = (f: Filter) => (f.op === "and" ? f.filters.forEach(flatten) : leaves.push(f));
  flatten(filter);
  const fields: SelectorField[] = [];
  for (const leaf of leaves) {
    if (leaf.op !== "eq" || leaf.attrPath.uri !== undefined || leaf.attrPath.subAttr !== undefined) {
      fail(
        `a selector may only join "subAttribute eq value" comparisons with "and", e.g. [type eq "work" and primary eq true]`,
      );
    }
    const eq = leaf as { attrPath: { name: string }; compValue: Literal };
    const def = findAttribute(attribute.subAttributes, eq.attrPath.name);
    if (!def) fail(`"${attribute.name}" has no sub-attribute "${eq.attrPath.name}" to select on`);
    if (fields.some((f) => f.def === def)) fail(`the selector names "${def!.name}" twice`);
    if (eq.compValue === null) fail(`a selector cannot compare "${def!.name}" with null`);
    let value: Literal = null;
    try {
      value = coerceLiteral(eq.compValue as Exclude<Literal, null>, def!.type, def!.name);
    } catch (e) {
      if (e instanceof ScimError) fail(`selector value: ${e.detail}`);
      throw e;
    }
    fields.push({ def: def!, value: value as Exclude<Literal, null> });
  }
  return fields;
}

/** The selector as a filter on one element, so that selection shares evaluate's semantics. */
export function selectorFilter(fields: readonly SelectorField[]): ResolvedFilter {
  const leaves: ResolvedFilter[] = fields.map((f) => ({
    op: "eq",
    attrPath: { path: [f.def.name], type: f.def.type, caseExact: f.def.caseExact, multiValued: false },
    compValue: f.value,
  }));
  return leaves.length > 1 ? { op: "and", filters: leaves } : (leaves[0] ?? { op: "and", filters: [] });
}
