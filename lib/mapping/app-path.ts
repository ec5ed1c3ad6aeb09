import { isObject } from "../values/json";
/** Dotted paths into app records: checked once at start-up, then read and written safely. */

const SEGMENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
/** Never walk into or create these: a mapping must not become a prototype-pollution gadget. */
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

/** Splits and checks `profile.employeeId`; returns an error message instead when it is not one. */
export function parseAppPath(text: unknown): [string, ...string[]] | string {
  if (typeof text !== "string" || text === "")
    return `"app" must be a non-empty dotted path such as "profile.employeeId"`;
  // split() returns at least one segment, whatever the text.
  const segments = text.split(".") as [string, ...string[]];
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) {
      return `"app" path "${text}" has an invalid segment "${segment}": use identifiers (letters, digits, _, $, -) joined by dots`;
    }
    if (FORBIDDEN.has(segment)) return `"app" path "${text}" may not use the segment "${segment}"`;
  }
  return segments;
}

const own = (o: object, key: string) => Object.hasOwn(o, key);

/** The value at `path`, reading own properties only. */
export function getPath(record: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = record;
  for (const key of path) {
    if (!isObject(value) || !own(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/** Writes `value` at `path`, creating plain objects on the way (replacing non-objects). */
export function setPath(record: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const last = path.at(-1);
  if (last === undefined) throw new TypeError("setPath needs a non-empty path");
  let container = record;
  for (const key of path.slice(0, -1)) {
    const next = own(container, key) ? container[key] : undefined;
    if (isObject(next)) {
      container = next;
    } else {
      const fresh: Record<string, unknown> = {};
      container[key] = fresh;
      container = fresh;
    }
  }
  container[last] = value;
}

/** True when one path equals the other or lies inside it (case-insensitively, as lookups fall back). */
export function overlaps(a: readonly string[], b: readonly string[]): boolean {
  return a.every((key, i) => i >= b.length || key.toLowerCase() === b[i]?.toLowerCase());
}
