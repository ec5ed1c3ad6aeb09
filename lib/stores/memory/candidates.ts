/**
 * Narrows a query to the rows an index can name, so `userName eq "x"` over 100,000 users
 * touches one row. The filter is still evaluated on the candidates: indexes only narrow.
 */
import type { ResolvedFilter } from "../../protocol/filter/ast";

/**
 * Ids whose value at `path` may equal (`eq`) or start with (`sw`) `value`, or undefined when no
 * index covers `path` for that operator.
 */
export type Lookup = (path: readonly string[], value: string, op: "eq" | "sw") => ReadonlySet<string> | undefined;

/** Ids that may match, or undefined when no index helps (the caller scans). */
export function candidates(filter: ResolvedFilter, lookup: Lookup): ReadonlySet<string> | undefined {
  switch (filter.op) {
    case "eq":
    case "sw":
      return typeof filter.compValue === "string"
        ? lookup(filter.attrPath.path, filter.compValue, filter.op)
        : undefined;
    case "valuePath": {
      // members[value eq "x"] holds only where some element's value is "x": the element's
      // paths, prefixed with the attribute's, name the same index as members.value eq "x".
      const prefix = filter.attrPath.path;
      return candidates(filter.filter, (path, value, op) => lookup([...prefix, ...path], value, op));
    }
    case "and": {
      let best: ReadonlySet<string> | undefined;
      for (const f of filter.filters) {
        const c = candidates(f, lookup);
        if (c && (!best || c.size < best.size)) best = c;
      }
      return best;
    }
    case "or": {
      const union = new Set<string>();
      for (const f of filter.filters) {
        const c = candidates(f, lookup);
        if (!c) return undefined;
        for (const id of c) union.add(id);
      }
      return union;
    }
    default:
      return undefined;
  }
}
