/**
 * What the differential suite generates: small tenants of users and groups full of tricky
 * strings, and SCIM query text (filter, sortBy, sortOrder, startIndex, count) over them. Queries
 * are text, so the whole pipeline parseFilter -> resolveFilter -> store.query runs as it does for
 * a request.
 */
import { groupResourceType, userResourceType } from "../schema/core";
import { declareSchema, withExtensions } from "../schema/custom";
import type { ResourceTypeDef } from "../schema/types";
import type { AppRecord } from "../stores/types";
import { fold } from "../values/fold";
import type { Random } from "./random";

export const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const CUS = "urn:example:params:scim:schemas:extension:diff:1.0:User";

/** A custom extension, for the types the core User lacks: dateTime, integer, decimal, caseExact. */
const customSchema = declareSchema({
  id: CUS,
  name: "DiffUser",
  attributes: [
    { name: "hireDate", type: "dateTime" },
    { name: "level", type: "integer" },
    { name: "score", type: "decimal" },
    { name: "vip", type: "boolean" },
    { name: "code", type: "string", caseExact: true },
    { name: "tags", type: "string", multiValued: true },
  ],
});
export const usersRt: ResourceTypeDef = withExtensions(userResourceType, [customSchema]);
export const groupsRt: ResourceTypeDef = groupResourceType;

/**
 * Pieces of tricky strings: case pairs whose folding differs by language or by database
 * (ß/ẞ/SS, dotted and dotless i, final sigma, the Kelvin sign, a titlecase digraph), LIKE and
 * escape characters, quotes, astral characters and private-use ones (which order differently
 * by UTF-16 code unit and by code point), things that look like dates, numbers and booleans
 * (a string attribute holding "2020-01-01" sorts as text on every store: its type decides).
 */
export const FRAGMENTS: readonly string[] = [
  ...["a", "A", "b", "Z", "é", "É", "ß", "ẞ", "SS", "i", "I", "İ", "ı", "Σ", "σ", "ς", "\u212A", "ǅ"],
  ...["😀", "𝒜", "Ａ", "\uE000", "ﬀ", "%", "_", "\\", '"', "'", " ", "\t", "@", ".", "-", "x@y.com", "X@Y.COM"],
  ...["0", "10", "9", "2020-01-01", "2020-01-01T00:00:00Z", "true", "null", "\u0000", "ａ", "Ｚ", "ΟΔΟΣ", "οδος"],
  ...["İstanbul", "\u0130\u0307", "\u0345", "ǆ", "Ǆ", "ϴ", "ẞA"],
];

/** dateTime spellings a record can hold, including ones no filter ever matches. */
const STORED_DATES = [
  "2020-01-01T00:00:00Z",
  "2020-01-01T02:00:00+02:00",
  "2020-01-01",
  "2020-01-01T00:00:00.5Z",
  "2020-01-01T00:00:00.1239996Z",
  "2020-01-01T00:00:00.0009999999Z",
  "2019-12-31T23:59:59.999Z",
  "2019-12-31T23:59:59.9995Z",
  "2020-01-01t00:00:00z",
  "2020-01-01T00:00",
  "2020-01-01 00:00:00",
  "04-12-2018 00:00:00",
  "2020-02-30T00:00:00Z",
  "2020-01-01T23:59:60Z",
  "0000-01-01T00:00:00Z",
  "",
];

/** Entra's padded and capitalised spellings too: every store reads them as lib/values/boolean.ts does. */
const BOOLISH: readonly unknown[] = [
  true,
  false,
  "True",
  "False",
  "TRUE",
  "yes",
  " True",
  "False\n",
  "\u00a0true\u3000",
];

export interface GroupSeed {
  record: AppRecord;
  /** Indexes into the users, and (as -1 - j) into earlier groups. */
  members: number[];
}

export interface Dataset {
  users: AppRecord[];
  groups: GroupSeed[];
}

/** What every database's lower() and ordering agree on with lib/values/fold.ts and evaluate(). */
export const PLAIN = (s: string) => [...s].every((c) => c.charCodeAt(0) < 0x80 || c === "é" || c === "É");

/** Generates records from the fragments a store can hold. */
export class Generator {
  constructor(
    readonly r: Random,
    readonly fragments: readonly string[],
    private readonly nestedGroups: boolean,
  ) {}

  text(maxParts = 3): string {
    return this.r.array(maxParts, () => this.r.pick(this.fragments)).join("");
  }

  /** Each key of `makers` present two times in three. */
  private some(makers: Record<string, () => unknown>): AppRecord {
    const out: AppRecord = {};
    for (const [key, make] of Object.entries(makers)) {
      const value = this.r.maybe(make);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  user(): AppRecord {
    const r = this.r;
    return {
      userName: this.text(3),
      ...this.some({
        name: () => this.some({ givenName: () => this.text(), familyName: () => this.text() }),
        displayName: () => this.text(),
        nickName: () => this.text(1),
        title: () => this.text(),
        active: () => r.pick(BOOLISH),
        externalId: () => this.text(2),
        emails: () =>
          r.array(3, () =>
            this.some({
              value: () => (r.chance(0.5) ? this.text() : r.pick(["a@x.com", "A@X.COM", "b@y.org"])),
              type: () => r.pick(["work", "home", "other", "WORK"]),
              primary: () => r.pick(BOOLISH),
            }),
          ),
        phoneNumbers: () =>
          r.array(2, () => ({ value: r.pick(["+1 555", "555", "", "+44"]), type: r.pick(["work", "mobile"]) })),
        // Okta's template app sends roles as plain strings.
        roles: () =>
          r.array(2, () =>
            r.chance(0.5) ? this.text(1) : this.some({ value: () => this.text(1), primary: () => r.pick(BOOLISH) }),
          ),
        [ENT]: () =>
          this.some({
            employeeNumber: () => (r.chance(0.5) ? this.text(1) : r.pick(["701", "0701", "12"])),
            department: () => this.text(2),
            manager: () => this.some({ value: () => this.text(1), displayName: () => this.text(1) }),
          }),
        [CUS]: () =>
          this.some({
            hireDate: () => r.pick(STORED_DATES),
            level: () => r.pick([-1, 0, 1, 2, 10, 100, "10", " 2 ", "x", true]),
            score: () => r.pick([0.5, 1.25, 10, -3.5, 1e-7, 0.1, "1.25", "1e1"]),
            vip: () => r.pick(BOOLISH),
            code: () => this.text(2),
            tags: () => r.array(2, () => this.text(1)),
          }),
      }),
    };
  }

  /** userName and displayName are unique as every store folds them (lib/values/fold.ts). */
  dataset(): Dataset {
    const r = this.r;
    const users = uniqueBy(
      r.array(7, () => this.user(), 1),
      (u) => fold(String(u.userName)),
    );
    const groups = uniqueBy(
      r.array(3, () => {
        const record: AppRecord = { displayName: this.text(2) };
        const externalId = r.maybe(() => this.text(1));
        if (externalId !== undefined) record.externalId = externalId;
        return { record, members: [...new Set(r.array(4, () => r.int(-3, 6)))] };
      }),
      (g) => fold(String(g.record.displayName)),
    );
    // Only members that exist: users by index, earlier groups by -1 - index.
    for (const [j, g] of groups.entries()) {
      g.members = g.members.filter((m) => (m >= 0 ? m < users.length : this.nestedGroups && -1 - m < j));
    }
    return { users, groups };
  }
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
