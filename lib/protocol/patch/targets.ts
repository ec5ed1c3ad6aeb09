/**
 * What a PATCH operation points at. Explicit paths come from parsePatchPath; pathless values are
 * read key by key, each key treated as a path (Entra sends dotted and URN-qualified keys).
 */
import { PATH_PREVIEW_CHARS, ScimError, badRequest, clip, notTolerated } from "../errors";
import { tolerates, type Tolerances } from "../../profiles/tolerances";
import { isUrn } from "../../values/urn";
import {
  parsePatchPath,
  printPatchPath,
  resolveValueFilter,
  type Filter,
  type FilterLimits,
  type PatchPath,
  type ResolvedFilter,
} from "../filter";
import { attributeLabel, resolveKey } from "../../schema/normalize";
import { findAttribute, findSchema, isExtension, locateAttribute, type LocatedAttribute } from "../../schema/resolve";
import type { AttributeDef, ResourceTypeDef, SchemaDef } from "../../schema/types";
import type { MembersTarget } from "./members";
import { isAbsent, isObject } from "../../values/json";

export type Target =
  | { kind: "extension"; schema: SchemaDef; where: string }
  | ({ kind: "members" } & MembersTarget)
  | {
      kind: "attribute";
      located: LocatedAttribute;
      where: string;
      /** `emails[type eq "work"]`, resolved: paths relative to one element, literals coerced. */
      filter?: ResolvedFilter;
      /** The sub-attribute after a filter: `emails[type eq "work"].value`. */
      filterSub?: AttributeDef;
    };

export interface TargetContext {
  rt: ResourceTypeDef;
  membersAttribute: string | undefined;
  strictExtensions: boolean;
  filterLimits?: FilterLimits;
  /** The client quirks this request may use (docs/clients.md). Default: every one. */
  tolerate?: Tolerances;
}

const isMembers = (ctx: TargetContext, located: LocatedAttribute) =>
  located.schema === ctx.rt.schema && located.attribute.name === ctx.membersAttribute;

const invalidPath = (detail: string) => badRequest("invalidPath", detail);

/** An explicit `path`. Unknown attributes are invalidPath; readOnly ones are mutability. */
export function targetOfPath(ctx: TargetContext, path: PatchPath): Target {
  // Quoted in every error about this operation: a preview, not the whole path.
  const where = clip(printPatchPath(path), PATH_PREVIEW_CHARS);
  const { attrPath, valueFilter, subAttr } = path;
  if (attrPath.uri !== undefined && attrPath.subAttr === undefined) {
    // parsePatchPath reads a bare `urn:...:enterprise:2.0:User` as uri `urn:...:2.0` + name `User`.
    const schema = findSchema(ctx.rt, `${attrPath.uri}:${attrPath.name}`);
    if (schema && isExtension(ctx.rt, schema)) {
      if (valueFilter) throw invalidPath(`"${where}": a schema extension cannot take a value filter`);
      return { kind: "extension", schema, where };
    }
  }
  const located = locateAttribute(ctx.rt, attrPath);
  if (!located) throw invalidPath(`Unknown attribute "${where}" for resource type ${ctx.rt.name}`);
  if (isMembers(ctx, located)) {
    const sub = located.sub?.name ?? subAttr;
    return { kind: "members", where, ...(valueFilter && { filter: valueFilter }), ...(sub !== undefined && { sub }) };
  }
  checkWritable(located.attribute, where);
  if (located.sub) checkWritable(located.sub, where);
  if (!valueFilter) return { kind: "attribute", located, where };
  return { kind: "attribute", located, where, ...filtered(ctx, located, valueFilter, subAttr, where) };
}

function filtered(
  ctx: TargetContext,
  located: LocatedAttribute,
  parsed: Filter,
  subAttr: string | undefined,
  where: string,
) {
  const { attribute } = located;
  if (located.sub || !attribute.multiValued || attribute.type !== "complex") {
    throw invalidPath(`"${where}": a value filter needs a multi-valued complex attribute`);
  }
  let resolved: ResolvedFilter;
  try {
    resolved = resolveValueFilter(ctx.rt, located, parsed);
  } catch (e) {
    // RFC 7644 3.5.2: a path whose filter names unknown sub-attributes is an invalid path.
    if (e instanceof ScimError && e.scimType === "invalidFilter") throw invalidPath(`"${where}": ${e.detail}`);
    throw e;
  }
  if (subAttr === undefined) return { filter: resolved };
  const filterSub = findAttribute(attribute.subAttributes, subAttr);
  if (!filterSub) throw invalidPath(`Unknown sub-attribute "${subAttr}" in "${where}"`);
  checkWritable(filterSub, where);
  return { filter: resolved, filterSub };
}

/** RFC 7644 3.5.2: writing a readOnly attribute through an explicit path is 400 mutability. */
function checkWritable(def: AttributeDef, where: string) {
  if (def.mutability === "readOnly") throw badRequest("mutability", `Attribute "${where}" is readOnly`);
}

/** RFC 7644 3.5.2.1: a pathless value holds attributes (and extension objects), not paths. */
const pathKey = (key: string) =>
  notTolerated(
    "invalidPath",
    `The key "${clip(key, PATH_PREVIEW_CHARS)}" of a PATCH value without "path" is a path (RFC 7644 3.5.2.1); send it as the operation's "path".`,
    "pathKeysInValue",
  );

/**
 * The targets of a pathless add/replace: each key of the value object is a path. readOnly,
 * `schemas` and unknown keys are skipped silently, as for POST/PUT (Okta's rename sends `id`).
 */
export function targetsOfValue(
  ctx: TargetContext,
  value: unknown,
  within?: SchemaDef,
): { target: Target; value: unknown }[] {
  if (!isObject(value)) {
    throw badRequest("invalidValue", 'A PATCH operation without "path" needs an object "value" (RFC 7644 3.5.2.1)');
  }
  const out: { target: Target; value: unknown }[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (!within && key.includes("[")) {
      if (!tolerates(ctx.tolerate, "pathKeysInValue")) throw pathKey(key);
      // A key with a value filter (`emails[type eq "work"].value`) is a full PATCH path.
      out.push({ target: targetOfPath(ctx, parsePatchPath(key, ctx.filterLimits)), value: v });
      continue;
    }
    const found = resolveKey(ctx.rt, key, within);
    switch (found.kind) {
      case "schemas":
      case "unknown":
        break;
      case "unknownExtension":
        if (ctx.strictExtensions) throw badRequest("invalidValue", `Unknown schema extension '${clip(found.uri)}'`);
        break;
      case "schema":
        if (isExtension(ctx.rt, found.schema) && isAbsent(v)) {
          out.push({ target: { kind: "extension", schema: found.schema, where: found.schema.id }, value: v });
        } else if (!isAbsent(v)) {
          if (!isObject(v)) throw badRequest("invalidValue", `Attribute '${found.schema.id}' must be an object`);
          out.push(...targetsOfValue(ctx, v, found.schema));
        }
        break;
      case "attribute": {
        const { located } = found;
        // `name.givenName` names a sub-attribute; `urn:...:User:employeeNumber` an attribute by its URN.
        const pathy = located.sub !== undefined || (!within && isUrn(key));
        if (pathy && !tolerates(ctx.tolerate, "pathKeysInValue")) throw pathKey(key);
        const where = attributeLabel(ctx.rt, located);
        if (isMembers(ctx, located))
          out.push({ target: { kind: "members", where, ...(located.sub && { sub: located.sub.name }) }, value: v });
        else if (located.attribute.mutability !== "readOnly" && located.sub?.mutability !== "readOnly") {
          out.push({ target: { kind: "attribute", located, where }, value: v });
        }
      }
    }
  }
  return out;
}
