/**
 * Small helpers over client JSON, shared by every layer: what an object is, what "absent" means,
 * one deep copy, one deep equality, one case-insensitive member lookup (RFC 7643 2.1: names are
 * case-insensitive; Entra writes `Operations`, `Primary`).
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Explicit `null` and `""` mean "absent": Entra and Okta clear attributes with both. */
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/** JSON text with object keys sorted: equal for deep-equal JSON values. */
export function stableKey(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return stableKey(a) === stableKey(b);
}

/**
 * A deep copy of a JSON value (Dates kept). Hand-written rather than structuredClone, whose
 * copies carry the copier's realm, and careful with an own "__proto__" key, which JSON.parse
 * creates and plain assignment would turn into a prototype.
 */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === "__proto__")
      Object.defineProperty(out, k, { value: cloneJson(v), enumerable: true, writable: true, configurable: true });
    else out[k] = cloneJson(v);
  }
  return out as T;
}

/** The own member `name` of `object`, matched exactly first, then ignoring case; never inherited. */
export function memberOf(object: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
}
