/**
 * Recursive-descent parser for RFC 7644 3.4.2.2 filters and RFC 7644 3.5.2 PATCH paths.
 *
 *   filter    = orExp
 *   orExp     = andExp *("or" andExp)
 *   andExp    = unary *("and" unary)
 *   unary     = "not" "(" filter ")" / "(" filter ")" / attrExp
 *   attrExp   = attrPath "pr" / attrPath compareOp compValue
 *             / attrPath "[" valFilter "]" [ "." subAttr ( "pr" / compareOp compValue ) ]
 *
 * The last alternative's tail is not RFC grammar: Entra sends `emails[type eq "work"].value eq "x"`
 * as a filter, which we read as `emails[type eq "work" and value eq "x"]`.
 *
 * Depth is checked before every recursion, so no input can overflow the stack; every malformed
 * input ends as ScimError 400 (invalidFilter for filters, invalidPath for PATCH paths).
 */
import { badRequest, type ScimType } from "../errors";
import type { AttrPath, CompareOp, Filter, FilterLimits, Literal, PatchPath } from "./ast";
import { checkInput, isJsonNumber, shown, tokenize, type Token } from "./lexer";
import { readBoolean } from "../../values/boolean";
import { splitUrn } from "../../values/urn";
import { FILTER_LIMIT_DEFAULTS } from "../../values/defaults";
import { isAttrName } from "../../schema/attr-name";

const COMPARE_OPS: ReadonlySet<string> = new Set(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]);

export function parseFilter(text: string, limits: FilterLimits = FILTER_LIMIT_DEFAULTS): Filter {
  checkInput(text, limits, "invalidFilter", "filter");
  const parser = new Parser(tokenize(text, "invalidFilter"), limits, "invalidFilter");
  return guardStack("invalidFilter", () => {
    const filter = parser.parseOr();
    parser.expectEnd();
    return filter;
  });
}

/** RFC 7644 3.5.2: PATH = attrPath / valuePath [subAttr]. Every error is 400 invalidPath. */
export function parsePatchPath(text: string, limits: FilterLimits = FILTER_LIMIT_DEFAULTS): PatchPath {
  checkInput(text, limits, "invalidPath", "path");
  const parser = new Parser(tokenize(text, "invalidPath"), limits, "invalidPath");
  return guardStack("invalidPath", () => {
    const path = parser.parsePatchPath();
    parser.expectEnd();
    return path;
  });
}

/**
 * The depth limit keeps recursion shallow; this is the backstop for a host that configured an
 * absurd maxDepth: running out of stack is still a 400, never a crash or a 500.
 */
function guardStack<T>(scimType: ScimType, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError) throw badRequest(scimType, "Filter is nested too deeply");
    throw e;
  }
}

/**
 * Splits `[URI ":"] ATTRNAME ["." subAttr]`, the URI as splitUrn reads it. A bare schema URN (`urn:...:enterprise:2.0:User`) comes out as
 * `{ uri: "urn:...:enterprise:2.0", name: "User" }`; resolvers treat `uri + ":" + name` naming a
 * schema id as "the whole extension".
 * Returns a detail string instead of an AttrPath when the text is not an attribute path.
 */
export function splitAttrPath(text: string): AttrPath | string {
  const { uri, rest } = splitUrn(text);
  // "urn:x" and "urn::x" name no schema before their last colon.
  if (uri !== undefined && uri.length <= "urn:".length) return `${shown(text)} is a URN without an attribute name`;
  if (uri === undefined && rest.includes(":")) {
    return `${shown(text)} is not an attribute path (only "urn:" URIs may prefix a name)`;
  }
  const dot = rest.indexOf(".");
  const name = dot < 0 ? rest : rest.slice(0, dot);
  const subAttr = dot < 0 ? undefined : rest.slice(dot + 1);
  if (!isAttrName(name)) return `${shown(text)} is not an attribute path`;
  if (subAttr !== undefined && !isAttrName(subAttr)) return `${shown(text)} is not an attribute path`;
  const path: AttrPath = { name };
  if (uri !== undefined) path.uri = uri;
  if (subAttr !== undefined) path.subAttr = subAttr;
  return path;
}

/** One parser per call: all state lives on the instance, never at module level. */
class Parser {
  private i = 0;
  private depth = 0;
  private terms = 0;
  private inValuePath = false;

  constructor(
    private readonly tokens: Token[],
    private readonly limits: FilterLimits,
    private readonly scimType: ScimType,
  ) {}

  private fail(detail: string): never {
    throw badRequest(this.scimType, detail);
  }

  // tokenize() ends every list with an "end" token and next() never steps past it, so
  // tokens[i] always exists.
  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    const tok = this.peek();
    if (tok.kind !== "end") this.i++;
    return tok;
  }

  private isWord(tok: Token, word: string): boolean {
    return tok.kind === "word" && tok.text.toLowerCase() === word;
  }

  private describe(tok: Token): string {
    return tok.kind === "end" ? "end of input" : `${shown(tok.text)} at position ${tok.pos}`;
  }

  private expect(kind: Token["kind"], context: string): Token {
    const tok = this.next();
    if (tok.kind !== kind) this.fail(`Expected "${kind}" ${context}, found ${this.describe(tok)}`);
    return tok;
  }

  expectEnd(): void {
    const tok = this.peek();
    if (tok.kind !== "end") this.fail(`Unexpected ${this.describe(tok)}`);
  }

  /** Runs fn one level deeper, refusing before recursing when the limit would be passed. */
  private nested<T>(fn: () => T): T {
    if (this.depth >= this.limits.maxDepth) {
      this.fail(`Filter nesting is deeper than the limit of ${this.limits.maxDepth}`);
    }
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  private countTerm(): void {
    if (++this.terms > this.limits.maxTerms) {
      this.fail(`Filter has more than the limit of ${this.limits.maxTerms} comparisons`);
    }
  }

  parseOr(): Filter {
    const first = this.parseAnd();
    if (!this.isWord(this.peek(), "or")) return first;
    const filters = [first];
    while (this.isWord(this.peek(), "or")) {
      this.next();
      filters.push(this.parseAnd());
    }
    return { op: "or", filters };
  }

  private parseAnd(): Filter {
    const first = this.parseUnary();
    if (!this.isWord(this.peek(), "and")) return first;
    const filters = [first];
    while (this.isWord(this.peek(), "and")) {
      this.next();
      filters.push(this.parseUnary());
    }
    return { op: "and", filters };
  }

  private parseUnary(): Filter {
    const tok = this.peek();
    if (this.isWord(tok, "not")) {
      this.next();
      // RFC 7644 3.4.2.2: "not" "(" valFilter ")"; the parentheses are required.
      this.expect("(", 'after "not"');
      const filter = this.nested(() => this.parseOr());
      this.expect(")", "to close not(...)");
      return { op: "not", filter };
    }
    if (tok.kind === "(") {
      this.next();
      const inner = this.nested(() => this.parseOr());
      this.expect(")", "to close (");
      return inner;
    }
    if (tok.kind === "word") return this.parseAttrExp();
    return this.fail(`Expected an attribute path, "(" or "not", found ${this.describe(tok)}`);
  }

  private attrPath(tok: Token): AttrPath {
    const path = splitAttrPath(tok.text);
    if (typeof path === "string") this.fail(`${path} (position ${tok.pos})`);
    return path;
  }

  private parseAttrExp(): Filter {
    const pathTok = this.next();
    const attrPath = this.attrPath(pathTok);
    if (this.peek().kind === "[") {
      const filter = this.parseValueFilter(attrPath, pathTok);
      const sub = this.subAttrAfterBracket();
      if (sub === undefined) return { op: "valuePath", attrPath, filter };
      // Entra: `emails[type eq "work"].value eq "x"` means one element has both.
      const extra = this.parseOperator({ name: sub });
      const filters = filter.op === "and" ? [...filter.filters, extra] : [filter, extra];
      return { op: "valuePath", attrPath, filter: { op: "and", filters } };
    }
    return this.parseOperator(attrPath);
  }

  /** Reads `[valFilter]`; RFC 7644 3.4.2.2 forbids a valuePath inside another. */
  private parseValueFilter(attrPath: AttrPath, pathTok: Token): Filter {
    if (this.inValuePath)
      this.fail(`Nested value filters are not allowed (${shown(pathTok.text)} at position ${pathTok.pos})`);
    if (attrPath.subAttr !== undefined) {
      this.fail(`A value filter applies to an attribute, not a sub-attribute (${shown(pathTok.text)})`);
    }
    this.next();
    const filter = this.nested(() => {
      this.inValuePath = true;
      try {
        return this.parseOr();
      } finally {
        this.inValuePath = false;
      }
    });
    this.expect("]", "to close the value filter");
    return filter;
  }

  /** `.subAttr` written right after `]`. */
  private subAttrAfterBracket(): string | undefined {
    const tok = this.peek();
    if (tok.kind !== "word" || !tok.text.startsWith(".")) return undefined;
    this.next();
    const sub = tok.text.slice(1);
    if (!isAttrName(sub)) this.fail(`${shown(tok.text)} is not a sub-attribute (position ${tok.pos})`);
    return sub;
  }

  private parseOperator(attrPath: AttrPath): Filter {
    const opTok = this.next();
    const op = opTok.kind === "word" ? opTok.text.toLowerCase() : "";
    if (op === "pr") {
      this.countTerm();
      return { op: "pr", attrPath };
    }
    if (!COMPARE_OPS.has(op))
      this.fail(`Expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr), found ${this.describe(opTok)}`);
    this.countTerm();
    return { op: op as CompareOp, attrPath, compValue: this.parseCompValue(op) };
  }

  /**
   * compValue = false / null / true / number / string. Entra also sends unquoted values
   * (`externalId eq jyoung`); any other bare word is taken as a string.
   */
  private parseCompValue(op: string): Literal {
    const tok = this.next();
    if (tok.kind === "string") return tok.value ?? "";
    if (tok.kind !== "word") return this.fail(`Expected a value after "${op}", found ${this.describe(tok)}`);
    const bool = readBoolean(tok.text);
    if (bool !== undefined) return bool;
    if (tok.text.toLowerCase() === "null") return null;
    if (isJsonNumber(tok.text)) {
      const n = Number(tok.text);
      if (!Number.isFinite(n)) this.fail(`Number out of range: ${shown(tok.text)}`);
      return n;
    }
    return tok.text;
  }

  parsePatchPath(): PatchPath {
    const pathTok = this.peek();
    if (pathTok.kind !== "word") this.fail(`Expected an attribute path, found ${this.describe(pathTok)}`);
    this.next();
    const attrPath = this.attrPath(pathTok);
    if (this.peek().kind !== "[") return { attrPath };
    const valueFilter = this.parseValueFilter(attrPath, pathTok);
    const subAttr = this.subAttrAfterBracket();
    return subAttr === undefined ? { attrPath, valueFilter } : { attrPath, valueFilter, subAttr };
  }
}
