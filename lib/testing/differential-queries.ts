/**
 * SCIM query text for the differential suite: filters over every attribute type (Entra's
 * unquoted values, recased names, escaped literals, value paths and their Entra sub-attribute
 * form), sorts and pages. Literals are drawn partly from the loaded tenant's own values, ids
 * and timestamps, so that most queries match something.
 */
import { userResourceType } from "../schema/core";
import { CUS, ENT, type Generator } from "./differential-data";

type Kind = "users" | "groups";
type AttrKind = "text" | "bool" | "date" | "meta" | "int" | "dec" | "id" | "member" | "schemas";

export interface QuerySpec {
  kind: Kind;
  filter?: string;
  sortBy?: string;
  sortOrder?: string;
  startIndex: number;
  count: number;
}

/** What the queries may draw literals from: the tenant as the store under test holds it. */
export interface Tenant {
  strings: { users: string[]; groups: string[] };
  ids: string[];
  /** Every record's meta.created and meta.lastModified, in ms. */
  times: number[];
}

const USER_ATTRS: [string, AttrKind][] = [
  ["userName", "text"],
  ["name.givenName", "text"],
  ["name.familyName", "text"],
  ["displayName", "text"],
  ["nickName", "text"],
  ["title", "text"],
  ["active", "bool"],
  ["externalId", "text"],
  ["id", "id"],
  ["emails", "text"],
  ["emails.value", "text"],
  ["emails.type", "text"],
  ["emails.primary", "bool"],
  ["phoneNumbers.value", "text"],
  ["roles.value", "text"],
  ["roles.primary", "bool"],
  [`${ENT}:employeeNumber`, "text"],
  [`${ENT}:department`, "text"],
  [`${ENT}:manager.value`, "text"],
  ["meta.lastModified", "meta"],
  ["meta.created", "meta"],
  ["meta.version", "text"],
  ["meta.resourceType", "text"],
  [`${CUS}:hireDate`, "date"],
  [`${CUS}:level`, "int"],
  [`${CUS}:score`, "dec"],
  [`${CUS}:vip`, "bool"],
  [`${CUS}:code`, "text"],
  [`${CUS}:tags`, "text"],
  ["schemas", "schemas"],
];
// Not User `groups`: the service computes it, and the reference store never holds it (docs/filters.md
// leaves filtering on it to the store), so a store that answers it from a membership table is not wrong.
const USER_PRESENCE = ["name", "emails", "phoneNumbers", "roles", ENT, `${ENT}:manager`, "meta", CUS];
const USER_VALUE_PATHS: [string, [string, AttrKind][]][] = [
  [
    "emails",
    [
      ["value", "text"],
      ["type", "text"],
      ["primary", "bool"],
      ["display", "text"],
    ],
  ],
  [
    "phoneNumbers",
    [
      ["value", "text"],
      ["type", "text"],
    ],
  ],
  [
    "roles",
    [
      ["value", "text"],
      ["primary", "bool"],
    ],
  ],
  [
    "name",
    [
      ["givenName", "text"],
      ["familyName", "text"],
    ],
  ],
  [
    `${ENT}:manager`,
    [
      ["value", "text"],
      ["displayName", "text"],
    ],
  ],
  [
    "meta",
    [
      ["lastModified", "meta"],
      ["version", "text"],
    ],
  ],
];
const USER_SORTS = [
  ...["userName", "name.familyName", "name.givenName", "displayName", "title", "nickName", "active", "externalId"],
  ...["id", "emails", "emails.value", "emails.type", "phoneNumbers.value", "roles.value", `${ENT}:employeeNumber`],
  ...[`${ENT}:manager.value`, "meta.lastModified", "meta.created", "meta.version", `${CUS}:hireDate`],
  ...[`${CUS}:level`, `${CUS}:score`, `${CUS}:vip`, `${CUS}:code`, `${CUS}:tags`],
];

const GROUP_ATTRS: [string, AttrKind][] = [
  ["displayName", "text"],
  ["externalId", "text"],
  ["id", "id"],
  ["members", "member"],
  ["members.value", "member"],
  ["members.type", "text"],
  ["members.display", "text"],
  ["meta.lastModified", "meta"],
];
const GROUP_PRESENCE = ["members", "members.display", "externalId", "meta"];
const GROUP_VALUE_PATHS: [string, [string, AttrKind][]][] = [
  [
    "members",
    [
      ["value", "member"],
      ["type", "text"],
      ["display", "text"],
    ],
  ],
];
// Sorting groups by members is refused by the router (docs/stores.md), so it is not generated.
const GROUP_SORTS = ["displayName", "externalId", "id", "meta.lastModified", "meta.version"];

const OPS = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"];
const CASES: ((s: string) => string)[] = [(s) => s, (s) => s.toUpperCase(), (s) => s.toLowerCase()];

const iso = (ms: number, offsetMinutes = 0) => {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, -1);
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
};

export class QueryGenerator {
  private readonly r;

  constructor(
    private readonly g: Generator,
    private readonly tenant: Tenant,
  ) {
    this.r = g.r;
  }

  query(): QuerySpec {
    const r = this.r;
    const kind: Kind = r.pick(["users", "users", "users", "groups"]);
    const q: QuerySpec = {
      kind,
      startIndex: r.weighted([3, () => 1], [1, () => r.int(1, 9)]),
      count: r.weighted([3, () => 100], [1, () => r.int(0, 4)]),
    };
    const filter = r.maybe(() => this.filter(kind, 0));
    if (filter !== undefined) q.filter = filter;
    const sortBy = r.maybe(() => this.recase(r.pick(kind === "users" ? USER_SORTS : GROUP_SORTS)));
    if (sortBy !== undefined) q.sortBy = sortBy;
    const sortOrder = r.maybe(() => r.pick(["ascending", "descending", "DESCENDING"]));
    if (sortOrder !== undefined) q.sortOrder = sortOrder;
    return q;
  }

  /** A random case for names, which are case-insensitive (RFC 7643 2.1). */
  private recase(name: string): string {
    return name.startsWith("urn:") ? name : this.r.pick(CASES)(name);
  }

  /** A JSON string literal, sometimes with every non-ASCII character written as \u escapes. */
  private quoted(s: string): string {
    const json = JSON.stringify(s);
    if (this.r.chance(0.5)) return json;
    return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  }

  private fromSeen(seen: string[]): string {
    const r = this.r;
    if (!seen.length) return this.g.text();
    const s = r.pick(seen);
    const chars = [...s];
    const [a, b] = [r.int(0, 1000), r.int(0, 1000)];
    const from = chars.length ? a % chars.length : 0;
    const to = from + (chars.length ? b % (chars.length - from + 1) : 0);
    return r.pick(CASES)(b % 3 === 0 ? s : chars.slice(from, to).join(""));
  }

  private literal(kind: AttrKind, seen: string[]): string {
    const r = this.r;
    const str = () => this.quoted(r.weighted([1, () => this.g.text()], [2, () => this.fromSeen(seen)]));
    switch (kind) {
      case "text":
        // Entra's unquoted values, numbers and booleans are read as text for string attributes.
        // Not generated: an unpaired surrogate escape ("\ud83d"), which the lexer refuses with 400
        // invalidFilter (no SQL database can hold a lone surrogate).
        return r.weighted([8, str], [1, () => r.pick(["10", "true", "x", "null", "9e0"])]);
      case "bool":
        return r.pick(["true", "false", "True", '"False"', '"true"', "null", '"yes"']);
      case "int":
      case "dec":
        return r.pick(["0", "1", "2", "10", "100", "-1", "0.5", "1.25", "1e-7", "0.1", '"10"', "1e1", "null"]);
      case "date":
        return r.pick([
          ...['"2020-01-01T00:00:00Z"', '"2020-01-01"', '"2020-01-01T01:00:00+01:00"', '"2020-01-01T00:00:00.124Z"'],
          ...['"2020-01-01T00:00:00.123Z"', '"2019-12-31T23:59:59.999Z"', '"2020-01-01T00:00:00.001Z"'],
          ...['"2020-01-01T00:01:00Z"', "null", '"04-12-2018"'],
        ]);
      case "meta": {
        const at = this.tenant.times.length ? r.pick(this.tenant.times) : Date.UTC(2026, 0, 1);
        const shift = r.pick([-1, 0, 0, 1, 499, 500, 1000, -60_000, 60_000]);
        return JSON.stringify(iso(at + shift, r.pick([0, 0, 60, -90])));
      }
      case "id":
      case "member": {
        const ids = this.tenant.ids;
        if (!ids.length || r.chance(0.5)) return str();
        const id = r.pick(ids);
        return this.quoted(r.pick([id, id.toUpperCase(), id.slice(0, 8), id.slice(-4)]));
      }
      case "schemas":
        return JSON.stringify(r.pick([userResourceType.schema.id, ENT, CUS, ENT.toUpperCase(), "urn:x"]));
    }
  }

  private comparison(path: string, kind: AttrKind, seen: string[]): string {
    const op = this.r.pick(OPS);
    return `${this.recase(path)} ${this.r.chance(0.5) ? op.toUpperCase() : op} ${this.literal(kind, seen)}`;
  }

  private inner(subs: [string, AttrKind][], seen: string[], depth: number): string {
    const r = this.r;
    const leaf = () => {
      const [p, k] = r.pick(subs);
      return r.chance(0.5) ? this.comparison(p, k, seen) : `${p} pr`;
    };
    if (depth >= 2) return leaf();
    return r.weighted(
      [3, leaf],
      [1, () => `${this.inner(subs, seen, depth + 1)} ${r.pick(["and", "or"])} ${this.inner(subs, seen, depth + 1)}`],
      [1, () => `not (${this.inner(subs, seen, depth + 1)})`],
    );
  }

  filter(kind: Kind, depth: number): string {
    const r = this.r;
    const users = kind === "users";
    const attrs = users ? USER_ATTRS : GROUP_ATTRS;
    const seen = this.tenant.strings[kind];
    const attrExp = () =>
      r.weighted(
        [
          6,
          () => {
            const [p, k] = r.pick(attrs);
            return this.comparison(p, k, seen);
          },
        ],
        [2, () => `${this.recase(r.pick([...attrs.map(([p]) => p), ...(users ? USER_PRESENCE : GROUP_PRESENCE)]))} pr`],
      );
    const valuePath = () => {
      const [p, subs] = r.pick(users ? USER_VALUE_PATHS : GROUP_VALUE_PATHS);
      const inner = this.inner(subs, seen, 0);
      if (r.chance(0.5)) return `${p}[${inner}]`;
      // Entra: emails[type eq "work"].value eq "x" is one element's test.
      const [s, k] = r.pick(subs);
      return `${p}[${inner}].${this.comparison(s, k, seen)}`;
    };
    if (depth >= 3) return attrExp();
    const sub = () => this.filter(kind, depth + 1);
    return r.weighted(
      [4, attrExp],
      [1, valuePath],
      [2, () => `${sub()} ${r.pick(["and", "or", "AND"])} ${sub()}`],
      [1, () => `not (${sub()})`],
      [1, () => `(${sub()})`],
    );
  }
}
