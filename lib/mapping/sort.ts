/** Sort keys and unique keys through a compiled mapping (see filters.ts for the same targets). */
import { invalidValue } from "../protocol/errors";
import type { Group, Model } from "./model";
import { transformed, type CompiledPair } from "./pairs";
import { fieldSource, locate, showPath, subPair } from "./targets";
import type { SortSpec } from "../protocol/filter/ast";

// A bad sortBy is invalidValue, as resolveSort answers: it is a query parameter, not a filter.

export function mapSort(model: Model, spec: SortSpec): SortSpec {
  const target = locate(model, spec.path);
  const shown = showPath(model, spec.path);
  if (target.kind === "server") return spec;
  if (target.kind !== "attribute") {
    throw invalidValue(`Cannot sort by "${shown}": it is not mapped for resource type ${model.rt.name}`);
  }
  const { entry, rest } = target;
  if (entry.whole) return { ...spec, path: [...sortable(entry.whole, shown).app, ...rest] };
  const field = rest[0];
  if (field === undefined)
    throw invalidValue(`Cannot sort by complex attribute "${shown}": name one of its sub-attributes`);
  const group = sortGroup(entry.groups, field);
  if (!group) {
    throw invalidValue(
      `Cannot sort by "${shown}": sorting uses the primary element, so map "${entry.attribute.name}[primary eq true].${field}"`,
    );
  }
  const source = fieldSource(group, field);
  if (source.kind === "pair") return { ...spec, path: sortable(source.pair, shown).app, multiValued: false };
  if (source.kind === "inWhole")
    return { ...spec, path: [...sortable(source.pair, shown).app, field], multiValued: false };
  throw invalidValue(
    `Cannot sort by "${shown}": it is ${source.kind === "fixed" ? "fixed by a selector" : "not shown"}`,
  );
}

/**
 * RFC 7644 3.4.2.3 sorts a multi-valued attribute by its primary element (else its first). With
 * one group the list has at most one element, which is exact. Otherwise the group selecting
 * `primary eq true` is used: exact whenever the primary element is shown.
 */
function sortGroup(groups: Group[], field: string): Group | undefined {
  if (groups.length === 1) return groups[0];
  return groups.find(
    (g) =>
      g.selector.some((f) => f.def.name === "primary" && f.value === true) && fieldSource(g, field).kind !== "absent",
  );
}

function sortable(pair: CompiledPair, shown: string): CompiledPair {
  if (!pair.readable) throw invalidValue(`Cannot sort by "${shown}": it is write-only in this mapping`);
  if (transformed(pair))
    throw invalidValue(`Cannot sort by "${shown}": it is transformed for the app, so the app's order may differ`);
  return pair;
}

/** `["userName"]` -> `["email"]`, for unique keys; undefined unless the path is mapped one-to-one. */
export function appPathOf(model: Model, scimPath: readonly string[]): string[] | undefined {
  const target = locate(model, scimPath);
  if (target.kind === "server") return [...scimPath];
  if (target.kind !== "attribute") return undefined;
  const { entry, rest } = target;
  if (entry.whole) return rest.length === 0 || !transformed(entry.whole) ? [...entry.whole.app, ...rest] : undefined;
  const [group] = entry.groups;
  const [field, ...more] = rest;
  if (entry.attribute.multiValued || !group || field === undefined || more.length > 0) return undefined;
  const pair = subPair(group, field);
  return pair ? [...pair.app] : undefined;
}
