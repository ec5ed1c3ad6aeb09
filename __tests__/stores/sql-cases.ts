/**
 * A differential check for SQL stores: the same records and the same resolved filters and sorts
 * go to the memory store (whose evaluate()/compareRecords() define the semantics) and to a SQL
 * store; both must answer the same rows in the same order.
 */
import { memoryStore } from "../../lib";
import type { ResolvedAttr, ResolvedFilter } from "../../lib/protocol/filter/ast";
import type { AppRecord, Store, StoreContext } from "../../lib/stores/types";
import { UNIQUE_KEYS } from "../../lib/testing";
import type { SortSpec } from "../../lib/protocol/filter/ast";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
type T = ResolvedAttr["type"];
const at = (path: string[], type: T = "string", caseExact = false, multiValued = false): ResolvedAttr => ({
  path,
  type,
  caseExact,
  multiValued,
});
const mv = (path: string[], type: T = "string") => at(path, type, false, true);
const cmp = (
  op: "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le",
  attrPath: ResolvedAttr,
  compValue: string | number | boolean,
): ResolvedFilter => ({ op, attrPath, compValue });
const pr = (attrPath: ResolvedAttr): ResolvedFilter => ({ op: "pr", attrPath });
const and = (...filters: ResolvedFilter[]): ResolvedFilter => ({ op: "and", filters });
const or = (...filters: ResolvedFilter[]): ResolvedFilter => ({ op: "or", filters });
const not = (filter: ResolvedFilter): ResolvedFilter => ({ op: "not", filter });
const vp = (path: string[], filter: ResolvedFilter): ResolvedFilter => ({
  op: "valuePath",
  attrPath: at(path, "complex", false, true),
  filter,
});

export const RECORDS: AppRecord[] = [
  {
    userName: "Ada",
    displayName: "Ada L",
    title: "Countess",
    active: true,
    emails: [
      { type: "work", value: "ada@w.com", primary: true },
      { type: "home", value: "ada@h.com" },
    ],
    roles: ["admin", "dev"],
    name: { givenName: "Ada", familyName: "Lovelace" },
    [ENT]: { employeeNumber: "701", manager: { value: "m1" } },
    hired: "2019-12-31T23:00:00-02:00",
    score: 3,
  },
  {
    userName: "bob",
    externalId: "E-2",
    active: "False",
    title: "",
    emails: [{ type: "work", value: "BOB@W.COM" }],
    roles: [{ value: "dev", primary: "True" }],
    score: "12",
  },
  {
    userName: "carol",
    active: false,
    emails: [],
    name: { givenName: "Carol" },
    hired: "2020-01-01T00:00:00Z",
    nick: "b",
  },
  {
    userName: "dave",
    emails: [{ value: "" }, { type: "other", value: "z@d.org" }],
    name: {},
    hired: "2021-06-01",
    score: 12.5,
    nick: 42,
  },
  {
    userName: "Émile",
    displayName: "émile",
    title: "Zed",
    hired: "04-12-2018 00:00:00",
    emails: [
      { value: "e@x.com", primary: false },
      { value: "a@x.com", primary: "TRUE" },
    ],
  },
  { userName: "frank", externalId: "e-2", title: "countess", roles: "solo", [ENT]: { employeeNumber: "" } },
  // Sort keys and prefix ranges at their edges: a name that reads as an instant, a private-use letter.
  { userName: "2019-06-01", externalId: "E-3" },
  { userName: "\uE000zone", externalId: "E\uFFFF" },
];

export const FILTERS: [string, ResolvedFilter][] = [
  ["userName eq (case-insensitive)", cmp("eq", at(["userName"]), "ADA")],
  ["userName eq (Unicode folding)", cmp("eq", at(["userName"]), "émile")],
  ["userName caseExact", cmp("eq", at(["userName"], "string", true), "ada")],
  ["externalId eq is case-exact", cmp("eq", at(["externalId"], "string", true), "E-2")],
  ["title ne (missing counts)", cmp("ne", at(["title"]), "countess")],
  [
    "title co / sw / ew",
    or(cmp("co", at(["title"]), "ntes"), cmp("sw", at(["title"]), "ZE"), cmp("ew", at(["title"]), "ss")),
  ],
  ["empty co matches every present text", cmp("co", at(["title"]), "")],
  ["userName gt / le", and(cmp("gt", at(["userName"]), "b"), cmp("le", at(["userName"]), "dave"))],
  ["title pr ('' is not present)", pr(at(["title"]))],
  ["emails pr ([] and [{value:''}] differ)", pr(mv(["emails"], "complex"))],
  ["name pr ({} is not present)", pr(at(["name"], "complex"))],
  ["extension pr", pr(at([ENT], "complex"))],
  ["extension employeeNumber eq", cmp("eq", at([ENT, "employeeNumber"]), "701")],
  ["extension manager.value eq", cmp("eq", at([ENT, "manager", "value"]), "M1")],
  ["active eq true", cmp("eq", at(["active"], "boolean"), true)],
  ['active eq false ("False" too)', cmp("eq", at(["active"], "boolean"), false)],
  ["active ne true", cmp("ne", at(["active"], "boolean"), true)],
  ["emails.value eq (multi-valued, folded)", cmp("eq", mv(["emails", "value"]), "bob@w.com")],
  ["emails.value ew", cmp("ew", mv(["emails", "value"]), ".COM")],
  ["not emails.value ew", not(cmp("ew", mv(["emails", "value"]), ".com"))],
  ["emails.value ne", cmp("ne", mv(["emails", "value"]), "ada@w.com")],
  [
    "value path within one element",
    vp(["emails"], and(cmp("eq", at(["type"]), "work"), cmp("co", at(["value"]), "@w."))),
  ],
  [
    "value path never mixes elements",
    vp(["emails"], and(cmp("eq", at(["type"]), "home"), cmp("sw", at(["value"]), "ada@w"))),
  ],
  ["value path with pr and not", vp(["emails"], and(pr(at(["value"])), not(pr(at(["type"])))))],
  ["roles as plain strings: roles.value eq", cmp("eq", mv(["roles", "value"]), "dev")],
  ["roles value path on strings", vp(["roles"], cmp("eq", at(["value"]), "ADMIN"))],
  ['roles.primary eq true ("True")', cmp("eq", mv(["roles", "primary"], "boolean"), true)],
  ["a scalar where an array was expected", cmp("eq", mv(["roles", "value"]), "solo")],
  ["number gt (numeric strings count)", cmp("gt", at(["score"], "decimal"), 10)],
  ["number eq", cmp("eq", at(["score"], "integer"), 3)],
  ["dateTime gt (offsets, date-only, junk)", cmp("gt", at(["hired"], "dateTime"), "2020-01-01T00:00:00.000Z")],
  ["dateTime eq across offsets", cmp("eq", at(["hired"], "dateTime"), "2020-01-01T01:00:00.000Z")],
  ["dateTime le", cmp("le", at(["hired"], "dateTime"), "2020-01-01T00:00:00.000Z")],
  ["meta.created ge", cmp("ge", at(["meta", "created"], "dateTime"), "2000-01-01T00:00:00.000Z")],
  ["meta.resourceType is never stored", pr(at(["meta", "resourceType"]))],
  ["or of indexed eqs", or(cmp("eq", at(["userName"]), "bob"), cmp("eq", at(["externalId"], "string", true), "e-2"))],
  [
    "and/or/not nest",
    and(not(or(cmp("eq", at(["userName"]), "ada"), pr(at(["nick"])))), cmp("sw", at(["userName"]), "")),
  ],
  ["hostile literal is data", cmp("eq", at(["userName"]), "'); drop table users; --")],
  ["userName sw (folded)", cmp("sw", at(["userName"]), "ÉM")],
  ["userName sw a private-use letter", cmp("sw", at(["userName"]), "\uE000")],
  ["not userName sw", not(cmp("sw", at(["userName"]), "2019"))],
  ["externalId sw is case-exact", cmp("sw", at(["externalId"], "string", true), "E-")],
  ["externalId sw up to U+FFFF", cmp("sw", at(["externalId"], "string", true), "E\uFFFF")],
  [
    "meta.lastModified gt / lt",
    and(
      cmp("gt", at(["meta", "lastModified"], "dateTime"), "2000-01-01T00:00:00Z"),
      cmp("lt", at(["meta", "lastModified"], "dateTime"), "9999-01-01"),
    ),
  ],
  [
    "meta.lastModified eq / le a past instant",
    or(
      cmp("eq", at(["meta", "lastModified"], "dateTime"), "2000-01-01T00:00:00Z"),
      cmp("le", at(["meta", "lastModified"], "dateTime"), "2000-01-01"),
    ),
  ],
  [
    "emails.value eq, then not",
    and(cmp("eq", mv(["emails", "value"]), "A@X.COM"), not(cmp("eq", mv(["emails", "value"]), "z@d.org"))),
  ],
];

export const SORTS: [string, SortSpec][] = [
  [
    "userName ascending",
    { path: ["userName"], multiValued: false, caseExact: false, type: "string", descending: false },
  ],
  [
    "userName descending",
    { path: ["userName"], multiValued: false, caseExact: false, type: "string", descending: true },
  ],
  [
    "userName caseExact",
    { path: ["userName"], multiValued: false, caseExact: true, type: "string", descending: false },
  ],
  [
    "title (missing and empty last)",
    { path: ["title"], multiValued: false, caseExact: false, type: "string", descending: false },
  ],
  [
    "title descending (missing first)",
    { path: ["title"], multiValued: false, caseExact: false, type: "string", descending: true },
  ],
  [
    "emails.value by primary element",
    { path: ["emails", "value"], multiValued: true, caseExact: false, type: "string", descending: false },
  ],
  [
    "hired (instants, junk is text)",
    { path: ["hired"], multiValued: false, caseExact: false, type: "dateTime", descending: false },
  ],
  [
    "nick (numbers before strings)",
    { path: ["nick"], multiValued: false, caseExact: false, type: "string", descending: false },
  ],
  ["score mixed", { path: ["score"], multiValued: false, caseExact: false, type: "decimal", descending: true }],
  ["active (booleans)", { path: ["active"], multiValued: false, caseExact: false, type: "boolean", descending: false }],
];

export interface Differential {
  filters: [string, string[], string[]][];
  sorts: [string, string[], string[]][];
}

/** Loads RECORDS into both stores and returns [case, memory answer, SQL answer] triples. */
export async function differential(sql: Store, ctx: StoreContext): Promise<Differential> {
  const memory = memoryStore();
  memory.configure?.(UNIQUE_KEYS);
  const mctx = { tenant: "t" };
  for (const record of RECORDS) {
    await memory.users.create(mctx, record);
    await sql.users.create(ctx, record);
  }
  const names = async (store: Store, c: StoreContext, q: Parameters<Store["users"]["query"]>[1]) =>
    (await store.users.query(c, q)).items.map((s) => String(s.record.userName));
  const out: Differential = { filters: [], sorts: [] };
  for (const [name, filter] of FILTERS) {
    const q = { filter, startIndex: 1, count: 100 };
    out.filters.push([name, await names(memory, mctx, q), await names(sql, ctx, q)]);
  }
  for (const [name, sort] of SORTS) {
    const q = { sort, startIndex: 1, count: 100 };
    out.sorts.push([name, await names(memory, mctx, q), await names(sql, ctx, q)]);
  }
  return out;
}
