/**
 * The attribute-name grammar, one home for the filter parser, PATCH paths and custom schema
 * declarations alike.
 */

const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isNameChar = (c: number) => isAlpha(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f;

/** RFC 7643 2.1: ATTRNAME = ALPHA *(nameChar); RFC 7643 also names `$ref`. */
export function isAttrName(s: string): boolean {
  if (s.toLowerCase() === "$ref") return true;
  if (s.length === 0 || !isAlpha(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) if (!isNameChar(s.charCodeAt(i))) return false;
  return true;
}
