/**
 * How a SCIM boolean is read from a string, decided once. Entra sends `"True"` / `"False"`
 * (clients.md), even on POST, and hosts' own records hold such strings: the schema's write
 * check, filter literals and evaluation, sort's primary pick, the mapping of `active` and both SQL
 * dialects read them with this rule, so a value accepted on write is one a filter matches on
 * every store.
 *
 * The rule: "true" or "false" in any case, ignoring leading and trailing whitespace (the write
 * check always trimmed, with String.prototype.trim). The SQL stores cannot call JavaScript, so
 * they trim PADDING_CODE_POINTS and compare with TRUE_WORD / FALSE_WORD (see their dialects).
 */
export const TRUE_WORD = "true";
export const FALSE_WORD = "false";

/** What String.prototype.trim removes (ECMA-262 WhiteSpace and LineTerminator), for SQL's trim. */
export const PADDING_CODE_POINTS: readonly number[] = Object.freeze([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
  0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
]);

/** true or false for a boolean or a string spelling one; undefined for anything else. */
export function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value !== "string") return undefined;
  const word = value.trim().toLowerCase();
  return word === TRUE_WORD ? true : word === FALSE_WORD ? false : undefined;
}
