/**
 * Which attributes a write changed: top-level names, and extension attributes one by one,
 * URN-qualified (`urn:...:enterprise:2.0:User:manager`). Feeds events and the audit log.
 */
import type { ResourceTypeDef } from "../schema/types";
import { deepEqual, isObject, type JsonObject } from "../values/json";

const keysOf = (a: JsonObject, b: JsonObject) => [...new Set([...Object.keys(a), ...Object.keys(b)])];

export function changedAttributes(rt: ResourceTypeDef, before: JsonObject, after: JsonObject): string[] {
  const extensionIds = new Set(rt.extensions.map((e) => e.schema.id));
  const changed: string[] = [];
  for (const key of keysOf(before, after)) {
    if (key === "schemas") continue;
    if (!extensionIds.has(key)) {
      if (!deepEqual(before[key], after[key])) changed.push(key);
      continue;
    }
    const was = isObject(before[key]) ? (before[key] as JsonObject) : {};
    const now = isObject(after[key]) ? (after[key] as JsonObject) : {};
    for (const inner of keysOf(was, now)) if (!deepEqual(was[inner], now[inner])) changed.push(`${key}:${inner}`);
  }
  return changed;
}
