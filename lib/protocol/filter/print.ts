/**
 * Canonical text for filters and PATCH paths: what parseFilter / parsePatchPath read back into
 * an equal tree. Used in logs, error details and round-trip property tests.
 */
import type { AttrPath, Filter, Literal, PatchPath } from "./ast";

export function printAttrPath(path: AttrPath): string {
  const head = path.uri !== undefined ? `${path.uri}:${path.name}` : path.name;
  return path.subAttr !== undefined ? `${head}.${path.subAttr}` : head;
}

/** Strings as JSON strings (so every escape re-parses); -0 kept so it round-trips. */
export function printLiteral(value: Literal): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : JSON.stringify(value);
  return JSON.stringify(value);
}

/** How comparison values are printed; logs pass one that hides them (lib/debug.ts). */
export type LiteralPrinter = (value: Literal) => string;

export function printFilter(filter: Filter, literal: LiteralPrinter = printLiteral): string {
  const wrapIf = (f: Filter, wrap: boolean) => (wrap ? `(${printFilter(f, literal)})` : printFilter(f, literal));
  switch (filter.op) {
    case "and":
      // `and` binds tighter than `or`; a nested `and` is wrapped too, so grouping survives.
      return filter.filters.map((f) => wrapIf(f, f.op === "and" || f.op === "or")).join(" and ");
    case "or":
      return filter.filters.map((f) => wrapIf(f, f.op === "or")).join(" or ");
    case "not":
      return `not (${printFilter(filter.filter, literal)})`;
    case "valuePath":
      return `${printAttrPath(filter.attrPath)}[${printFilter(filter.filter, literal)}]`;
    case "pr":
      return `${printAttrPath(filter.attrPath)} pr`;
    default:
      return `${printAttrPath(filter.attrPath)} ${filter.op} ${literal(filter.compValue)}`;
  }
}

export function printPatchPath(path: PatchPath, literal: LiteralPrinter = printLiteral): string {
  const base = printAttrPath(path.attrPath);
  if (!path.valueFilter) return base;
  const sub = path.subAttr !== undefined ? `.${path.subAttr}` : "";
  return `${base}[${printFilter(path.valueFilter, literal)}]${sub}`;
}
