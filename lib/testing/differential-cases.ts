/**
 * Every discrepancy the differential suite found in a shipped store, shrunk to a fixed case. A
 * store passing the suite answers each exactly as the memory store does.
 */
import type { AppRecord } from "../stores/types";
import type { Capability } from "./capabilities";
import { CUS, type GroupSeed } from "./differential-data";
import type { QuerySpec } from "./differential-queries";

export interface DifferentialCase {
  name: string;
  users: AppRecord[];
  groups?: GroupSeed[];
  query: QuerySpec;
  /** A case a store without this capability is not asked. */
  needs?: Capability;
}

const q = (filter: string | undefined, more: Partial<QuerySpec> = {}): QuerySpec => {
  const spec: QuerySpec = { kind: "users", startIndex: 1, count: 100, ...more };
  if (filter !== undefined) spec.filter = filter;
  return spec;
};
const hire = (hireDate: string) => ({ [CUS]: { hireDate } });

export const DIFFERENTIAL_CASES: readonly DifferentialCase[] = [
  // A SQL compiler refused meta[...] (400) and answered `meta pr` false; meta is one object of columns.
  {
    name: "meta[...] value path tests this row's columns",
    users: [{ userName: "a" }, { userName: "b" }],
    query: q('meta[lastModified ge "2000-01-01T00:00:00Z" and not (version eq "2")]'),
  },
  { name: "meta pr holds for every row", users: [{ userName: "a" }], query: q("meta pr") },
  // UTF-16 puts astral characters (surrogates) before U+E000..U+FFFF; code-point order (SQLite's
  // BINARY, PostgreSQL's COLLATE "C") puts them after.
  {
    name: "sort by UTF-16 code unit: emoji before fullwidth A",
    needs: "unicode",
    users: [
      { userName: "a", title: '"Ａ' },
      { userName: "b", title: '"😀' },
      { userName: "c", title: "" },
    ],
    query: q(undefined, { sortBy: "title" }),
  },
  {
    name: "lt by UTF-16 code unit: emoji lt fullwidth A",
    needs: "unicode",
    users: [
      { userName: "a", title: "😀" },
      { userName: "b", title: "ﬀ" },
    ],
    query: q('title lt "Ａ"'),
  },
  // A sort key expression repeating its argument made 930 KB of SQL for emails.value.
  {
    name: 'sort by the primary email, Entra\'s "True" included',
    users: [
      { userName: "a", emails: [{ value: "z@x" }, { value: "b@x", primary: "True" }] },
      { userName: "b", emails: [{ value: "" }, { value: "a@x" }] },
      { userName: "c", emails: [] },
      { userName: "d", emails: ["C@X"] },
    ],
    query: q(undefined, { sortBy: "emails.value", sortOrder: "descending" }),
  },
  // A database instant function rounded to microseconds and had no year 0.
  {
    name: "dateTime with 7 fraction digits (.NET) truncates to ms",
    users: [{ userName: "a", ...hire("2020-01-01T00:00:00.1239996Z") }],
    query: q(`${CUS}:hireDate eq "2020-01-01T00:00:00.123Z"`),
  },
  {
    name: "dateTime in year 0000 is an instant",
    users: [
      { userName: "a", ...hire("2020-01-01T00:00:00Z") },
      { userName: "b", ...hire("0000-01-01T00:00:00Z") },
    ],
    query: q(undefined, { sortBy: `${CUS}:hireDate`, count: 1 }),
  },
  // SQLite's length() stops at U+0000 (a store that cannot hold U+0000 declares so: cannotHold).
  {
    name: "ew and sw across U+0000",
    users: [{ userName: "É\u0000x" }, { userName: "é" }, { userName: "a\u0000" }],
    query: q('userName ew "X" or userName sw "a"'),
  },
  // A database lower() folded "İ" to "i" and a word-final "Σ" to "σ" (JavaScript: "i̇", "ς"),
  // so one userName was a 201 on one store and a 409 on another.
  {
    name: "İ folds to i̇ on every store",
    needs: "unicode",
    users: [{ userName: "İstanbul" }, { userName: "istanbul" }],
    query: q('userName eq "i\u0307STANBUL" or title eq "İ"'),
  },
  {
    name: "final and non-final sigma fold alike, indexed or not",
    needs: "unicode",
    users: [
      { userName: "ΟΔΟΣ", title: "οδος" },
      { userName: "b", title: "ΟΔΟΣ" },
      { userName: "c", title: "οδοσ" },
      { userName: "d", title: "ΣΑ" },
    ],
    query: q('userName eq "οδοσ" or title eq "Οδος" or title sw "σα"'),
  },
  {
    name: "sort by folded keys: ß, İ, full-width and astral letters",
    needs: "unicode",
    users: [
      { userName: "ẞ", title: "Ａ" },
      { userName: "ß1", title: "ａb" },
      { userName: "İ", title: "i̇" },
      { userName: "ｚ", title: "𐐀" },
      { userName: "Ｚ1", title: "𐐨" },
      { userName: "ss", title: "SS" },
    ],
    query: q(undefined, { sortBy: "userName" }),
  },
  {
    name: "sort by an unindexed attribute folds as the index does",
    needs: "unicode",
    users: [
      { userName: "a", title: "Ａ" },
      { userName: "b", title: "ａb" },
      { userName: "c", title: "İ" },
      { userName: "d", title: "𐐀" },
      { userName: "e", title: "𐐨a" },
      { userName: "f", title: "ς" },
    ],
    query: q(undefined, { sortBy: "title", sortOrder: "descending" }),
  },
  // PostgreSQL's btree refuses entries over 2,704 bytes: the documented limit must fit, in the widest characters.
  {
    name: "the longest userName (512 astral characters) fits the store",
    needs: "unicode",
    users: [{ userName: "𐐀".repeat(512), externalId: "😀".repeat(512) }, { userName: "b" }],
    query: q(`userName eq "${"𐐨".repeat(512)}"`),
  },
  // The existing-users-table example read jsonb booleans untrimmed: Entra's padded " True " is true.
  {
    name: "a boolean string padded with Unicode spaces is a boolean",
    users: [
      { userName: "a", [CUS]: { vip: " true\u3000" } },
      { userName: "b", [CUS]: { vip: "False\n" } },
    ],
    query: q(`not (${CUS}:vip eq True)`),
  },
  {
    name: "sw and ew of an empty string",
    users: [{ userName: "a", title: "" }, { userName: "b" }, { userName: "c", title: "x" }],
    query: q('title sw "" and title ew ""'),
  },
];
