/** An audit log in a fixed-size ring: the last `size` records, oldest dropped first. */
import type { AuditLog, AuditRecord } from "./types";
import { AUDIT_LOG_DEFAULTS } from "../values/defaults";

/** An in-process audit log keeping the last `size` records, for development and tests. */
export function memoryAuditLog(options: { size?: number } = {}): AuditLog {
  const size = options.size ?? AUDIT_LOG_DEFAULTS.size;
  if (!Number.isInteger(size) || size < 1)
    throw new TypeError("express-scim: memoryAuditLog size must be a positive integer.");
  const ring: AuditRecord[] = [];
  let next = 0;
  return {
    append(record) {
      const copy = { ...record, ...(record.changed ? { changed: [...record.changed] } : {}) };
      if (ring.length < size) ring.push(copy);
      else ring[next] = copy;
      next = (next + 1) % size;
    },
    async list({ tenant, startIndex = 1, count = 100 }) {
      const ordered = ring.length < size ? [...ring] : [...ring.slice(next), ...ring.slice(0, next)];
      const newestFirst = ordered.reverse().filter((r) => tenant === undefined || r.tenant === tenant);
      const start = Math.max(1, startIndex) - 1;
      return { total: newestFirst.length, items: newestFirst.slice(start, start + Math.max(0, count)) };
    },
  };
}
