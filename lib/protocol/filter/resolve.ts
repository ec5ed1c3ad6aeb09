/**
 * Resolving a parsed filter against a resource type: every attribute path is checked against the
 * schemas (names are case-insensitive, RFC 7643 2.1), replaced by its canonical record path, and
 * every literal is coerced to the attribute's type. Stores only ever see the result.
 *
 * All errors are ScimError 400 invalidFilter (RFC 7644 3.4.2.2: unknown attributes and operators
 * that do not fit the attribute's type). The PATCH engine may re-label them for paths.
 */
import { PATH_PREVIEW_CHARS, invalidFilter as invalid } from "../errors";
import { type AttributeDef, type AttributeType, type ResourceTypeDef, TEXT_TYPES } from "../../schema/types";
import { findAttribute, findSchema, isExtension, locateAttribute, type LocatedAttribute } from "../../schema/resolve";
import type { AttrPath, CompareOp, Filter, Literal, ResolvedAttr, ResolvedFilter } from "./ast";
import { isJsonNumber, shown as quoteShort } from "./lexer";
import { parseInstant } from "../../values/datetime";
import { readBoolean } from "../../values/boolean";
import { printAttrPath } from "./print";

/** A resolved path plus the definition it names (none for a whole extension). */
interface Located {
  attr: ResolvedAttr;
  def: AttributeDef | undefined;
}

/** How attribute paths are looked up at one level: the resource, or one element of a value path. */
interface Scope {
  /** Set at the resource level, where `schemas` can be tested. */
  rt?: ResourceTypeDef;
  path(attrPath: AttrPath): Located;
  /** The scope inside `attrPath[...]`; undefined where value paths may not appear. */
  valuePath?(attrPath: AttrPath): { attr: ResolvedAttr; inner: Scope };
}

/** Resolves a filter whose paths are relative to the resource (`GET /Users?filter=...`). */
export function resolveFilter(rt: ResourceTypeDef, filter: Filter): ResolvedFilter {
  return resolveNode(filter, resourceScope(rt));
}

/**
 * Resolves a value filter whose paths are relative to one element of `parent`: PATCH paths such
 * as `emails[type eq "work"]` or `members[value eq "2819c223"]` (RFC 7644 3.5.2).
 * `rt` is accepted for symmetry with resolveFilter and future use (custom schemas).
 */
export function resolveValueFilter(rt: ResourceTypeDef, parent: LocatedAttribute, filter: Filter): ResolvedFilter {
  void rt;
  if (parent.sub || parent.attribute.type !== "complex") {
    throw invalid(`A value filter needs a complex attribute; "${parent.path.join(".")}" is not one`);
  }
  return resolveNode(filter, elementScope(parent.attribute));
}

/**
 * Locates a resource-level attribute path. Besides ordinary attributes, a bare extension URN
 * (`urn:...:enterprise:2.0:User`, parsed as uri `urn:...:2.0` + name `User`) means the whole
 * extension object, which is useful with `pr`.
 */
export function resolveAttrPath(rt: ResourceTypeDef, attrPath: AttrPath): ResolvedAttr {
  return locate(rt, attrPath).attr;
}

/**
 * Whether `rt` defines a resource-level attribute path (what resolveAttrPath would accept):
 * `schemas`, a bare extension URN, or an attribute of the core schema or an extension.
 */
export function knowsAttrPath(rt: ResourceTypeDef, attrPath: AttrPath): boolean {
  if (isSchemas(attrPath)) return true;
  if (attrPath.uri !== undefined && attrPath.subAttr === undefined) {
    const schema = findSchema(rt, `${attrPath.uri}:${attrPath.name}`);
    if (schema && isExtension(rt, schema)) return true;
  }
  return locateAttribute(rt, attrPath) !== undefined;
}

function locate(rt: ResourceTypeDef, attrPath: AttrPath): Located {
  if (attrPath.uri !== undefined && attrPath.subAttr === undefined) {
    const schema = findSchema(rt, `${attrPath.uri}:${attrPath.name}`);
    if (schema && isExtension(rt, schema)) {
      return { attr: { path: [schema.id], type: "complex", caseExact: false, multiValued: false }, def: undefined };
    }
  }
  const located = locateAttribute(rt, attrPath);
  if (!located)
    throw invalid(
      `Unknown attribute ${quoteShort(printAttrPath(attrPath), PATH_PREVIEW_CHARS)} for resource type ${rt.name}`,
    );
  const def = located.sub ?? located.attribute;
  const multiValued = located.attribute.multiValued || (located.sub?.multiValued ?? false);
  return { attr: { path: located.path, type: def.type, caseExact: def.caseExact, multiValued }, def };
}

function resourceScope(rt: ResourceTypeDef): Scope {
  return {
    rt,
    path: (attrPath) => locate(rt, attrPath),
    valuePath: (attrPath) => {
      const { attr, def } = locate(rt, attrPath);
      // RFC 7644 3.4.2.2 means value paths for multi-valued complex attributes; a single complex
      // one (`name[givenName eq "x"]`) reads the same way, so it is allowed too.
      if (def?.type !== "complex" || attrPath.subAttr !== undefined) {
        throw invalid(
          `${quoteShort(printAttrPath(attrPath), PATH_PREVIEW_CHARS)} is not a complex attribute and cannot take a value filter`,
        );
      }
      return { attr, inner: elementScope(def) };
    },
  };
}

/** Inside a value filter a path names a sub-attribute of one element: `type`, `value`, `$ref`. */
function elementScope(parent: AttributeDef): Scope {
  return {
    path: (attrPath) => {
      const plain = attrPath.uri === undefined && attrPath.subAttr === undefined;
      const sub = plain ? findAttribute(parent.subAttributes, attrPath.name) : undefined;
      if (!sub)
        throw invalid(
          `Unknown sub-attribute ${quoteShort(printAttrPath(attrPath), PATH_PREVIEW_CHARS)} of "${parent.name}"`,
        );
      return {
        attr: { path: [sub.name], type: sub.type, caseExact: sub.caseExact, multiValued: sub.multiValued },
        def: sub,
      };
    },
  };
}

function resolveNode(filter: Filter, scope: Scope): ResolvedFilter {
  switch (filter.op) {
    case "and":
    case "or":
      return { op: filter.op, filters: filter.filters.map((f) => resolveNode(f, scope)) };
    case "not":
      return { op: "not", filter: resolveNode(filter.filter, scope) };
    case "valuePath": {
      if (!scope.valuePath) throw invalid("Nested value filters are not allowed");
      const { attr, inner } = scope.valuePath(filter.attrPath);
      return { op: "valuePath", attrPath: attr, filter: resolveNode(filter.filter, inner) };
    }
    case "pr":
      if (scope.rt && isSchemas(filter.attrPath)) return resolveSchemasTest(scope.rt, filter.op, null);
      return { op: "pr", attrPath: scope.path(filter.attrPath).attr };
    default:
      if (scope.rt && isSchemas(filter.attrPath)) return resolveSchemasTest(scope.rt, filter.op, filter.compValue);
      return resolveComparison(
        filter.op,
        scope.path(filter.attrPath),
        filter.compValue,
        printAttrPath(filter.attrPath),
      );
  }
}

const isSchemas = (p: AttrPath) => p.uri === undefined && p.subAttr === undefined && p.name.toLowerCase() === "schemas";

/**
 * RFC 7644 3.4.2.2's own example: `schemas eq "urn:...:enterprise:2.0:User"`. Records do not
 * carry `schemas` (the service derives it), so the test is rewritten over what does exist:
 * the core schema is always listed (`id pr`), an extension is listed when its object is present,
 * any other URI never is (`not (id pr)`).
 */
function resolveSchemasTest(rt: ResourceTypeDef, op: CompareOp | "pr", compValue: Literal): ResolvedFilter {
  const always: ResolvedFilter = { op: "pr", attrPath: resolveAttrPath(rt, { name: "id" }) };
  if (op === "pr") return always;
  if ((op !== "eq" && op !== "ne") || typeof compValue !== "string") {
    throw invalid(`"schemas" can only be tested with pr, eq or ne and a schema URI`);
  }
  const schema = findSchema(rt, compValue);
  let listed: ResolvedFilter = { op: "not", filter: always };
  if (schema === rt.schema) listed = always;
  else if (schema)
    listed = { op: "pr", attrPath: { path: [schema.id], type: "complex", caseExact: false, multiValued: false } };
  return op === "eq" ? listed : { op: "not", filter: listed };
}

/**
 * Comparing a complex attribute: for multi-valued ones with a `value` sub-attribute (emails,
 * members, roles...) `emails eq "x"` is read as `emails.value eq "x"`, a common client shorthand.
 * Any other complex comparison is an error.
 */
function comparable(located: Located, shown: string): ResolvedAttr {
  const { attr, def } = located;
  if (attr.type !== "complex") return attr;
  const value = def?.multiValued ? findAttribute(def.subAttributes, "value") : undefined;
  if (!value || value.type === "complex") throw invalid(`"${shown}" is complex: compare one of its sub-attributes`);
  return { path: [...attr.path, value.name], type: value.type, caseExact: value.caseExact, multiValued: true };
}

function resolveComparison(op: CompareOp, located: Located, compValue: Literal, shown: string): ResolvedFilter {
  const attr = comparable(located, shown);
  if (compValue === null) {
    // RFC 7644 defines no null comparison. `x eq null` is read as "x is absent" and `x ne null`
    // as "x is present", normalized to `pr` so that stores never see a null literal.
    if (op === "eq") return { op: "not", filter: { op: "pr", attrPath: attr } };
    if (op === "ne") return { op: "pr", attrPath: attr };
    throw invalid(`"${op}" cannot compare "${shown}" with null`);
  }
  checkOperator(op, attr.type, shown);
  return { op, attrPath: attr, compValue: coerceLiteral(compValue, attr.type, shown) };
}

const ORDERED_TYPES: ReadonlySet<AttributeType> = new Set(["string", "reference", "integer", "decimal", "dateTime"]);

function checkOperator(op: CompareOp, type: AttributeType, shown: string): void {
  // RFC 7644 3.4.2.2: gt/ge/lt/le on boolean or binary attributes SHALL fail with invalidFilter.
  if ((op === "gt" || op === "ge" || op === "lt" || op === "le") && !ORDERED_TYPES.has(type)) {
    throw invalid(`"${op}" cannot be used on ${type} attribute "${shown}"`);
  }
  // Substring matching only means something for text.
  if ((op === "co" || op === "sw" || op === "ew") && !TEXT_TYPES.has(type)) {
    throw invalid(`"${op}" cannot be used on ${type} attribute "${shown}"`);
  }
}

/**
 * Coerces a literal to the attribute's type. Entra sends booleans as strings ("True"), and
 * unquoted values that the lexer read as numbers or words; numbers and booleans therefore
 * become strings for string attributes. dateTime literals are normalized to ISO 8601 UTC.
 */
export function coerceLiteral(value: string | number | boolean, type: AttributeType, shown: string): Literal {
  const bad = () => invalid(`${quoteShort(String(value))} is not a valid ${type} value for "${shown}"`);
  switch (type) {
    case "boolean": {
      const bool = readBoolean(value);
      if (bool === undefined) throw bad();
      return bool;
    }
    case "integer":
    case "decimal": {
      const n =
        typeof value === "number" ? value : typeof value === "string" && isJsonNumber(value) ? Number(value) : NaN;
      if (!Number.isFinite(n) || (type === "integer" && !Number.isInteger(n))) throw bad();
      return n;
    }
    case "dateTime": {
      const instant = typeof value === "string" ? parseInstant(value) : undefined;
      if (instant === undefined) throw bad();
      return new Date(instant).toISOString();
    }
    case "complex":
      throw bad();
    default:
      return typeof value === "string" ? value : String(value);
  }
}
