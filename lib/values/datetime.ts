/**
 * dateTime, one grammar for every reader and writer (RFC 7643 2.3.5): the schema's write check,
 * filter literals, sort keys, the memory store and SQLite's scim_instant all read instants here,
 * and PostgreSQL's scim_instant (migrations 1 and 4) implements the same grammar in SQL. A value
 * accepted on write is therefore one a filter or a sort can read: "2024-02-30T00:00:00Z" and
 * "…T24:00:00Z", which JavaScript's Date.parse rolls over to March 1 and the next day, are refused.
 */

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

function fixedDigits(s: string, from: number, count: number): number {
  if (from + count > s.length) return -1;
  let n = 0;
  for (let k = 0; k < count; k++) {
    const c = s.charCodeAt(from + k);
    if (!isDigit(c)) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

/**
 * Milliseconds since the epoch for a Date or an RFC 3339 / xsd:dateTime string
 * (`YYYY-MM-DD[THH:MM[:SS[.fff]][Z|+HH:MM]]`, no zone meaning UTC). Anything else is undefined:
 * we do not guess at formats such as Okta's junk `"04-12-2018 00:00:00"`.
 */
export function parseInstant(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value !== "string") return undefined;
  const s = value;
  const y = fixedDigits(s, 0, 4);
  const mo = fixedDigits(s, 5, 2);
  const d = fixedDigits(s, 8, 2);
  if (y < 0 || s[4] !== "-" || s[7] !== "-" || mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const time = s.length === 10 ? { h: 0, mi: 0, sec: 0, ms: 0, offset: 0 } : parseTime(s, 10);
  if (!time) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCDate() !== d) return undefined; // 2026-02-30
  date.setUTCHours(time.h, time.mi, time.sec, time.ms);
  return date.getTime() - time.offset * 60_000;
}

function parseTime(
  s: string,
  i: number,
): { h: number; mi: number; sec: number; ms: number; offset: number } | undefined {
  if (s[i] !== "T" && s[i] !== "t" && s[i] !== " ") return undefined;
  const h = fixedDigits(s, i + 1, 2);
  const mi = fixedDigits(s, i + 4, 2);
  if (h < 0 || h > 23 || s[i + 3] !== ":" || mi < 0 || mi > 59) return undefined;
  i += 6;
  let sec = 0;
  let ms = 0;
  if (s[i] === ":") {
    sec = fixedDigits(s, i + 1, 2);
    if (sec < 0 || sec > 60) return undefined;
    i += 3;
    if (s[i] === ".") {
      let j = i + 1;
      while (j < s.length && isDigit(s.charCodeAt(j))) j++;
      if (j === i + 1) return undefined;
      ms = Math.floor(Number(`0.${s.slice(i + 1, j)}`) * 1000);
      i = j;
    }
  }
  let offset = 0;
  if (s[i] === "Z" || s[i] === "z") {
    i++;
  } else if (s[i] === "+" || s[i] === "-") {
    const oh = fixedDigits(s, i + 1, 2);
    const om = fixedDigits(s, i + 4, 2);
    if (oh < 0 || oh > 23 || s[i + 3] !== ":" || om < 0 || om > 59) return undefined;
    offset = (s[i] === "-" ? -1 : 1) * (oh * 60 + om);
    i += 6;
  }
  return i === s.length ? { h, mi, sec, ms, offset } : undefined;
}

/**
 * What a client may write to a dateTime attribute: xsd:dateTime (RFC 7643 2.3.5, date, "T" and
 * time with seconds, optional fraction and zone; no leap second, which xsd has not) and an instant
 * parseInstant reads, so an impossible date such as February 30 is refused rather than kept as
 * a value no filter or sort could ever read.
 */
const XSD_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:[0-5]\d(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

export function isWritableDateTime(text: string): boolean {
  return XSD_DATE_TIME.test(text) && parseInstant(text) !== undefined;
}
