/**
 * SCIM resource <-> app record through a compiled mapping. Values that are not present
 * (undefined, null, "", empty lists and objects: `isPresent`) are never written either way, so
 * "absent" means the same thing on both sides and in filters.
 */
import { evaluate, isPresent } from "../protocol/filter/evaluate";
import type { AppRecord } from "../stores/types";
import { getPath, setPath } from "./app-path";
import type { Group, Model } from "./model";
import { readBoolean } from "../values/boolean";
import type { CompiledPair } from "./pairs";
import { isObject, cloneJson as clone } from "../values/json";

export function toRecord(model: Model, resource: Record<string, unknown>): AppRecord {
  const record: AppRecord = {};
  for (const entry of model.attributes.values()) {
    const container = entry.container === undefined ? resource : ownObject(resource, entry.container);
    const value = container ? own(container, entry.attribute.name) : undefined;
    if (entry.whole) write(record, entry.whole, value);
    for (const group of entry.groups) {
      const element = entry.attribute.multiValued ? select(group, value) : value;
      if (!isObject(element)) continue;
      if (group.whole) write(record, group.whole, element);
      for (const [name, pair] of group.subs) write(record, pair, own(element, name));
    }
  }
  return record;
}

export function fromRecord(model: Model, record: AppRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of model.attributes.values()) {
    let container: Record<string, unknown> | undefined;
    const put = (value: unknown) => {
      if (entry.container === undefined) container = out;
      else if (!container) {
        container = (out[entry.container] as Record<string, unknown> | undefined) ?? {};
        out[entry.container] = container;
      }
      container[entry.attribute.name] = value;
    };
    if (entry.whole) {
      const value = read(record, entry.whole);
      if (value !== undefined) put(value);
      continue;
    }
    const elements = entry.groups
      .map((g) => element(g, record))
      .filter((e): e is Record<string, unknown> => e !== undefined);
    if (elements.length === 0) continue;
    put(entry.attribute.multiValued ? elements : elements[0]);
  }
  return out;
}

/** One group's element in the SCIM view, or undefined when none of its values is present. */
function element(group: Group, record: AppRecord): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  if (group.whole) {
    const value = read(record, group.whole);
    // RFC 7643 2.4 elements are objects; anything else in the app record is not shown.
    if (isObject(value)) out = value;
  }
  for (const [name, pair] of group.subs) {
    const value = read(record, pair);
    if (value === undefined) continue;
    out ??= {};
    out[name] = value;
  }
  if (!out || group.selector.length === 0) return out;
  // The selector's fields make the element findable again; a whole element that already
  // satisfies the selector is kept exactly as stored (so "Work" is not rewritten to "work").
  if (group.filter && evaluate(group.filter, out)) return out;
  const fixed: Record<string, unknown> = {};
  for (const field of group.selector) fixed[field.def.name] = field.value;
  return { ...fixed, ...out, ...fixed };
}

/**
 * The element a selector picks: the first one that satisfies it. Clients often leave `primary`
 * out (Okta with a single phone number, Entra's PATCH creating `emails[type eq "work"]`). For a
 * selector with `primary eq true`, when no element is primary at all, the one element that says
 * nothing about `primary` and satisfies the rest of the selector is taken; never a guess among
 * several (RFC 7643 2.4 lets the service choose the primary value).
 */
function select(group: Group, value: unknown): unknown {
  if (!Array.isArray(value) || !group.filter) return undefined;
  const elements = value.filter(isObject);
  const filter = group.filter;
  const found = elements.find((e) => evaluate(filter, e));
  const rest = group.fallback;
  if (found !== undefined || rest === undefined) return found;
  if (elements.some((e) => e.primary === true)) return undefined;
  const candidates = elements.filter((e) => e.primary === undefined && (rest === true || evaluate(rest, e)));
  return candidates.length === 1 ? candidates[0] : undefined;
}

function write(record: AppRecord, pair: CompiledPair, scimValue: unknown): void {
  if (!pair.writable || !isPresent(scimValue)) return;
  let value = clone(scimValue);
  if (pair.invert) value = flip(value);
  if (pair.toApp) value = pair.toApp(value);
  if (value !== undefined && value !== null) setPath(record, pair.app, value);
}

function read(record: AppRecord, pair: CompiledPair): unknown {
  if (!pair.readable) return undefined;
  const appValue = getPath(record, pair.app);
  if (!isPresent(appValue)) return undefined;
  let value = clone(appValue);
  if (pair.toScim) value = pair.toScim(value);
  if (pair.invert) value = flip(value);
  return isPresent(value) ? value : undefined;
}

/** `active` <-> `blocked`. Entra's "True"/"False" strings count; anything else is not a boolean and is dropped. */
function flip(value: unknown): boolean | undefined {
  const bool = readBoolean(value);
  return bool === undefined ? undefined : !bool;
}

function own(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function ownObject(o: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = own(o, key);
  return isObject(value) ? value : undefined;
}

/**
 * A write of mapped values onto the stored record: what the mapping writes is replaced (and
 * cleared when the new resource leaves it out, as PUT means), everything else the app keeps in
 * the record (app-owned columns, `toScim` values) stays as it was.
 */
export function mergeRecord(model: Model, current: AppRecord, written: AppRecord): AppRecord {
  const merged = clone(current);
  for (const pair of model.pairs) {
    if (!pair.writable) continue;
    deletePath(merged, pair.app);
    const value = getPath(written, pair.app);
    if (value !== undefined) setPath(merged, pair.app, clone(value));
  }
  return merged;
}

/** Deletes the value at `path`, and the objects on the way that this leaves empty (`hr: {}`). */
function deletePath(record: AppRecord, path: readonly string[]): void {
  for (let depth = path.length; depth >= 1; depth--) {
    const parent = depth === 1 ? record : getPath(record, path.slice(0, depth - 1));
    if (!isObject(parent)) return;
    const key = path[depth - 1]!;
    const child = parent[key];
    if (depth < path.length && !(isObject(child) && Object.keys(child).length === 0)) return;
    delete parent[key];
  }
}
