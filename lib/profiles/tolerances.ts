/**
 * What real clients send that RFC 7643/7644 do not allow, one flag each. Each flag is one
 * tolerance an engine consults where the rule lives (`tolerates(set, flag)`); a flag that is
 * off makes that engine answer the RFC's 400 instead. This array is the source: the type, the
 * lenient set and the start-up checks derive from it.
 */
export const TOLERANCES = [
  /** `"op": "Replace"`: the op in any case (RFC 7644 3.5.2 spells "add", "remove", "replace"). */
  "capitalisedOps",
  /** `"True"`, `"false"`: a boolean written as a string, any case (RFC 7643 2.3.2: true or false). */
  "booleanStrings",
  /** `7` for a string attribute: a JSON number or boolean kept as its text (RFC 7643 2.3.1). */
  "numbersForStrings",
  /** `"manager": "id"`, `"roles": ["admin"]`: a bare value for a complex attribute with `value` (RFC 7643 2.3.8). */
  "bareComplexValues",
  /** `"manager": [{"value": "id"}]`: a one-element list for a single-valued attribute (RFC 7643 2.4). */
  "listForSingleValue",
  /** `{"name.givenName": "x"}`: dotted, URN-qualified or filtered keys in a pathless PATCH value (RFC 7644 3.5.2.1). */
  "pathKeysInValue",
  /** add/replace on `emails[type eq "work"].value` with no work email creates one (RFC 7644 3.5.2.3: noTarget). */
  "filterCreatesValue",
  /** `remove` of `members` with a value list removes only those (RFC 7644 3.5.2.2 gives remove no value). */
  "removeWithValue",
  /** `"Operations": []` (RFC 7644 3.5.2: "an array of one or more PATCH operations"). */
  "emptyOperations",
  /** `schemas` missing, or naming a pre-RFC URN such as `urn:scim:schemas:core:2.0` (RFC 7643 3, RFC 7644 3.5.2). */
  "looseSchemas",
  /** No User-Agent header, or an empty one (RFC 9110 10.1.5: a user agent SHOULD send one). */
  "noUserAgent",
] as const;

/** One tolerated deviation from RFC 7643/7644. */
export type Tolerance = (typeof TOLERANCES)[number];

/** The deviations one request may make: what its client's profile tolerates. */
export type Tolerances = ReadonlySet<Tolerance>;

/** Every tolerance: the default, so that every known client works out of the box. */
export const LENIENT: Tolerances = new Set(TOLERANCES);

/** No tolerance: RFC 7643/7644 to the letter. */
export const STRICT: Tolerances = new Set();

/**
 * Whether `set` tolerates `flag`. Engines called without a set (unit tests, hosts calling the
 * protocol functions directly) keep the library's default: every tolerance.
 */
export function tolerates(set: Tolerances | undefined, flag: Tolerance): boolean {
  return set === undefined || set.has(flag);
}

export function isTolerance(name: unknown): name is Tolerance {
  return typeof name === "string" && (TOLERANCES as readonly string[]).includes(name);
}
