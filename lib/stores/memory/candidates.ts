/**
 * Narrows a query to the rows an index can name, so `userName eq "x"` over 100,000 users
 * touches one row. The filter is still evaluated on the candidates: indexes only narrow.
 */
import type { ResolvedFilter } from "../../protocol/filter/ast";
import { pathKey, type LookupIndex } from "./indexes";

/** Ids that may match, or undefined when no index helps (the caller scans). */
export function candidates(filter: ResolvedFilter, lookups: ReadonlyMap<string, LookupIndex>): ReadonlySet<string> | undefined {
  switch (filter.op) {
    case "eq": {
      if (filter.attrPath.path.length === 1 && filter.attrPath.path[0] === "id" && typeof filter.compValue === "string") {
        return new Set([filter.compValue]);
      }
      const index = lookups.get(pathKey(filter.attrPath.path));
      return index && typeof filter.compValue === "string" ? index.candidates(filter.compValue) : undefined;
    }
    case "and": {
      let best: ReadonlySet<string> | undefined;
      for (const f of filter.filters) {
        const c = candidates(f, lookups);
        if (c && (!best || c.size < best.size)) best = c;
      }
      return best;
    }
    case "or": {
      const union = new Set<string>();
      for (const f of filter.filters) {
        const c = candidates(f, lookups);
        if (!c) return undefined;
        for (const id of c) union.add(id);
      }
      return union;
    }
    default:
      return undefined;
  }
}
