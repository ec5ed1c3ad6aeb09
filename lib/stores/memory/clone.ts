/**
 * A deep copy of a JSON value. Records are plain JSON, and copying them on the way in and out
 * keeps the store's state out of reach of callers. Hand-written rather than structuredClone,
 * whose copies carry the realm of the copier (test runners with VM contexts notice).
 */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // JSON.parse makes "__proto__" an own key; plain assignment would turn it into a prototype.
    if (k === "__proto__") Object.defineProperty(out, k, { value: cloneJson(v), enumerable: true, writable: true, configurable: true });
    else out[k] = cloneJson(v);
  }
  return out as T;
}
