/**
 * SCIM resource <-> app record. Until declarative mappings land, the app record is the SCIM
 * resource itself, less what the server owns or computes: `id`, `meta` and `schemas` (kept
 * beside the record), `groups` (computed from memberships), `members` (kept by the member store)
 * and `password` (accepted, never stored nor returned).
 */
import type { AppRecord } from "../stores/types";

const NOT_STORED = new Set(["id", "meta", "schemas", "groups", "members", "password"]);

export function toRecord(resource: Record<string, unknown>): AppRecord {
  const record: AppRecord = {};
  for (const [key, value] of Object.entries(resource)) {
    if (!NOT_STORED.has(key)) record[key] = value;
  }
  return record;
}

export function fromRecord(record: AppRecord): Record<string, unknown> {
  return toRecord(record);
}
