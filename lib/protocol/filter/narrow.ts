/**
 * RFC 7644 3.4.2.2 at the service root: one filter is applied to every resource type, and
 * "a filter expression MAY contain attributes from different resource types". For a type that
 * does not define an attribute, that attribute is simply unassigned: the tests on it are folded
 * to the answer an unassigned attribute gives (evaluate.ts), before the filter is resolved
 * against the type. The result is a smaller filter, or `true` / `false` for the whole type.
 */
import type { ResourceTypeDef } from "../../schema/types";
import type { AttrPath, Filter } from "./ast";
import { knowsAttrPath } from "./resolve";

export function narrowFilter(rt: ResourceTypeDef, filter: Filter): Filter | boolean {
  switch (filter.op) {
    case "and":
    case "or": {
      // `and` stops at the first false, `or` at the first true; the neutral constant is dropped.
      const stop = filter.op === "or";
      const kept: Filter[] = [];
      for (const part of filter.filters) {
        const narrowed = narrowFilter(rt, part);
        if (narrowed === stop) return stop;
        if (narrowed !== !stop) kept.push(narrowed as Filter);
      }
      if (kept.length === 0) return !stop;
      return kept.length === 1 ? kept[0]! : { op: filter.op, filters: kept };
    }
    case "not": {
      const inner = narrowFilter(rt, filter.filter);
      return typeof inner === "boolean" ? !inner : { op: "not", filter: inner };
    }
    case "pr":
    case "valuePath":
      // No value, and no element for a value filter to match.
      return knowsAttrPath(rt, filter.attrPath) ? filter : false;
    default:
      if (knowsAttrPath(rt, filter.attrPath)) return filter;
      // evaluate.ts: `ne` holds for a missing attribute; `eq null` means "absent", `ne null` "present".
      if (filter.compValue === null) return filter.op === "eq";
      return filter.op === "ne";
  }
}

/** The resource-level attribute paths a filter tests (value filters' inner paths excluded). */
export function attrPathsOf(filter: Filter): AttrPath[] {
  switch (filter.op) {
    case "and":
    case "or":
      return filter.filters.flatMap(attrPathsOf);
    case "not":
      return attrPathsOf(filter.filter);
    default:
      return [filter.attrPath];
  }
}
