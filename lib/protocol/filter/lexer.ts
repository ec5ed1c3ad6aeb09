/**
 * Single-pass tokenizer for RFC 7644 3.4.2.2 filters and 3.5.2 PATCH paths.
 *
 * Hand-written on purpose: filters are untrusted input, and a backtracking regular expression
 * over them is how scim2-parse-filter@0.2.10 hangs on a few dozen raw newlines. Every loop here
 * moves forward by at least one character, so tokenizing is linear in the input length.
 *
 * Tokens are deliberately coarse: anything unquoted is a "word" (attribute path, operator,
 * keyword, number or Entra's unquoted value); the parser decides what a word means by position.
 */
import { PREVIEW_CHARS, badRequest, clip, type ScimType } from "../errors";
import type { FilterLimits } from "./ast";
import { unstorable } from "../../values/text";

export type TokenKind = "(" | ")" | "[" | "]" | "string" | "word" | "end";

export interface Token {
  kind: TokenKind;
  /** Raw text as written (for strings: including the quotes). */
  text: string;
  /** Decoded value of a string literal. */
  value?: string;
  /** 0-based offset in the input, for error details. */
  pos: number;
}

const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isDelimiter(c: number): boolean {
  // ( ) [ ] " and whitespace end a word.
  return c === SPACE || c === TAB || c === 0x28 || c === 0x29 || c === 0x5b || c === 0x5d || c === QUOTE;
}

/** U+0000-U+001F except tab, and U+007F. */
function isRawControl(c: number): boolean {
  return (c < 0x20 && c !== TAB) || c === 0x7f;
}

/** Input text for an error detail: quoted, and cut short so a huge token cannot bloat the response. */
export function shown(text: string, limit = PREVIEW_CHARS): string {
  return JSON.stringify(clip(text, limit));
}

const hex4 = (c: number) => c.toString(16).toUpperCase().padStart(4, "0");

/**
 * Checks what can be checked without tokenizing: type, length (before any other work, so a
 * huge input costs nothing), emptiness and raw control characters.
 */
export function checkInput(text: unknown, limits: FilterLimits, scimType: ScimType, what: string): string {
  if (typeof text !== "string") throw badRequest(scimType, `The ${what} must be a string`);
  if (text.length > limits.maxLength) {
    throw badRequest(scimType, `The ${what} is ${text.length} characters long; the limit is ${limits.maxLength}`);
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isRawControl(c)) {
      throw badRequest(scimType, `The ${what} contains a raw control character U+${hex4(c)} at position ${i}`);
    }
  }
  if (text.trim() === "") throw badRequest(scimType, `The ${what} is empty`);
  return text;
}

export function tokenize(text: string, scimType: ScimType): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === TAB) {
      i++;
    } else if (c === 0x28 || c === 0x29 || c === 0x5b || c === 0x5d) {
      const bracket = text.charAt(i);
      tokens.push({ kind: bracket as TokenKind, text: bracket, pos: i });
      i++;
    } else if (c === QUOTE) {
      const { value, end } = readString(text, i, scimType);
      tokens.push({ kind: "string", text: text.slice(i, end), value, pos: i });
      i = end;
    } else {
      let j = i + 1;
      while (j < text.length && !isDelimiter(text.charCodeAt(j))) j++;
      tokens.push({ kind: "word", text: text.slice(i, j), pos: i });
      i = j;
    }
  }
  tokens.push({ kind: "end", text: "", pos: text.length });
  return tokens;
}

const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ["\\", "\\"],
  ["/", "/"],
  ["b", "\b"],
  ["f", "\f"],
  ["n", "\n"],
  ["r", "\r"],
  ["t", "\t"],
]);

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * RFC 7644 3.4.2.2: compValue strings are JSON strings (RFC 7159 section 7). All escapes are
 * decoded; \uXXXX escapes are UTF-16 code units, so a surrogate pair written as two escapes
 * becomes one character. Raw tabs are tolerated (other raw controls were rejected up front).
 */
function readString(text: string, start: number, scimType: ScimType): { value: string; end: number } {
  const parts: string[] = [];
  let chunk = start + 1;
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      parts.push(text.slice(chunk, i));
      const value = parts.join("");
      // A "\u0000" or a lone surrogate: no store holds one, and PostgreSQL cannot even compare it.
      const reason = unstorable(value);
      if (reason) throw badRequest(scimType, `Invalid string at position ${start}: it ${reason}`);
      return { value, end: i + 1 };
    }
    if (c !== BACKSLASH) {
      i++;
      continue;
    }
    parts.push(text.slice(chunk, i));
    const e = text[i + 1];
    const simple = e === undefined ? undefined : SIMPLE_ESCAPES.get(e);
    if (e === "u") {
      let code = 0;
      for (let k = 2; k < 6; k++) {
        const h = i + k < text.length ? hexValue(text.charCodeAt(i + k)) : -1;
        if (h < 0) throw badRequest(scimType, `Invalid \\u escape at position ${i}: four hex digits expected`);
        code = code * 16 + h;
      }
      parts.push(String.fromCharCode(code));
      i += 6;
    } else if (simple !== undefined) {
      parts.push(simple);
      i += 2;
    } else {
      const shown = e === undefined ? "end of input" : JSON.stringify(e);
      throw badRequest(scimType, `Invalid escape in string at position ${i}: backslash followed by ${shown}`);
    }
    chunk = i;
  }
  throw badRequest(scimType, `Unterminated string starting at position ${start}`);
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Skips digits from i; returns the first index that is not a digit. */
function digits(s: string, i: number): number {
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return i;
}

/** RFC 7159 section 6: number = [ minus ] int [ frac ] [ exp ]; checked by hand, no regex. */
export function isJsonNumber(s: string): boolean {
  let i = 0;
  if (s[i] === "-") i++;
  if (s[i] === "0") i++;
  else if (i < s.length && isDigit(s.charCodeAt(i))) i = digits(s, i);
  else return false;
  if (s[i] === ".") {
    const j = digits(s, i + 1);
    if (j === i + 1) return false;
    i = j;
  }
  if (s[i] === "e" || s[i] === "E") {
    i++;
    if (s[i] === "+" || s[i] === "-") i++;
    const j = digits(s, i);
    if (j === i) return false;
    i = j;
  }
  return i === s.length;
}
