/** "90d", "12h", "15m", "30s", or a number of seconds: how long a token lives. */
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

export function parseDuration(value: string | number): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value <= 0)
      throw new TypeError(`express-scim: a duration must be a positive number of seconds, got ${value}.`);
    return value * 1000;
  }
  const match = /^\s*(\d+)\s*([smhdw])\s*$/i.exec(value);
  if (!match)
    throw new TypeError(
      `express-scim: cannot read duration ${JSON.stringify(value)}; write e.g. "90d", "12h" or "15m".`,
    );
  return Number(match[1]) * UNITS[match[2]!.toLowerCase()]! * 1000;
}
