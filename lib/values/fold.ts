/**
 * RFC 7644 3.4.2.2: strings compare case-insensitively unless the attribute is caseExact. This
 * is the one definition of "without case" for every store, filter, sort and unique key, so the
 * same userName is a 201 or a 409 whichever store is behind the router.
 *
 * The fold is JavaScript's toLowerCase() (Unicode's default lowercase mapping, no locale) with the
 * final sigma read as sigma: toLowerCase() alone gives "ς" or "σ" for "Σ" depending on what
 * follows it, which no SQL database reproduces, and "ΟΔΟΣ" is "οδος" to a Greek reader however
 * it is spelled. What remains is a mapping of each character on its own (U+0130 "İ" is the one
 * character that becomes two: "i̇"), which SQL can compute exactly (see foldTable).
 *
 * Not folded: "ß" and "SS" stay different (that is full case folding, which lengthens strings),
 * and compatibility forms keep apart from what they look like (full-width "Ａ" folds to "ａ", not
 * to "a"): no normalisation, only case.
 */
const FINAL_SIGMA = "\u03c2";
const SIGMA = "\u03c3";

export function fold(text: string): string {
  const lower = text.toLowerCase();
  return lower.includes(FINAL_SIGMA) ? lower.replaceAll(FINAL_SIGMA, SIGMA) : lower;
}

export interface FoldTable {
  /** Characters that fold to one other character, in translate() order, and what they become. */
  from: string;
  to: string;
  /** Characters that fold to more than one (U+0130 only, today), replaced before `from`/`to`. */
  longer: [string, string][];
}

/**
 * The fold as a table, for a database that must compute it without JavaScript (PostgreSQL's
 * `scim_fold`, migration 5): every code point whose fold differs from itself. Computed from
 * fold() itself, so the two cannot disagree for the Unicode version of the Node.js that built it.
 * Lower-case ASCII and digits come first as identities: translate() scans the table in order, and
 * most characters of most values are found there at once.
 */
export function foldTable(): FoldTable {
  const from: string[] = [];
  const to: string[] = [];
  const longer: [string, string][] = [];
  for (const c of "abcdefghijklmnopqrstuvwxyz0123456789.@-_ ") {
    from.push(c);
    to.push(c);
  }
  // Cased letters live in planes 0 and 1 only (2 and 3 are CJK ideographs, 14 tags, 15-16 private use).
  for (let cp = 0x41; cp <= 0x1ffff; cp++) {
    if (cp === 0xd800) cp = 0xe000;
    const c = String.fromCodePoint(cp);
    const f = fold(c);
    if (f === c) continue;
    if ([...f].length === 1) {
      from.push(c);
      to.push(f);
    } else longer.push([c, f]);
  }
  return { from: from.join(""), to: to.join(""), longer };
}
