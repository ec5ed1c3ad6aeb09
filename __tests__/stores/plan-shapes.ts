/**
 * The reads identity providers and sync tools send (issue 17), as resolved queries, for the plan
 * tests of the SQL stores, over a directory seeded by each test: users `u<i>` named `user<i>`
 * with externalId `ext<i>`, one email `user<i>@example.com` and lastModified rising with i;
 * groups `g<j>` named `group<j>`, user i a member of group (i % GROUPS) + 1.
 */
import type { CompareOp, ResolvedAttr, ResolvedFilter } from "../../lib/protocol/filter/ast";
import type { SortSpec } from "../../lib/protocol/filter/ast";
import type { Query } from "../../lib/stores/types";

export const USERS = 60_000;
export const GROUPS = 2_000;
/** lastModified of user i: this instant plus i seconds. */
export const EPOCH = Date.UTC(2024, 0, 1);

const attr = (path: string[], type: ResolvedAttr["type"] = "string", caseExact = false): ResolvedAttr => ({
  path,
  type,
  caseExact,
  multiValued: path[0] === "emails" || path[0] === "members",
});
const cmp = (op: CompareOp, a: ResolvedAttr, compValue: string): ResolvedFilter => ({ op, attrPath: a, compValue });
const sort = (path: string[], descending = false): SortSpec => ({
  path,
  type: path[0] === "meta" ? "dateTime" : "string",
  multiValued: false,
  caseExact: false,
  descending,
});
const at = (i: number) => new Date(EPOCH + i * 1000).toISOString();
const lastModified = attr(["meta", "lastModified"], "dateTime");

export interface Shape {
  name: string;
  kind: "users" | "groups";
  query: Query;
  /** Ids the page holds, first ones: the plan must also answer right. */
  first: string[];
}

const q = (filter?: ResolvedFilter, s?: SortSpec): Query => ({ filter, sort: s, startIndex: 1, count: 5 });

export const SHAPES: Shape[] = [
  { name: "a full list (index paging)", kind: "users", query: q(), first: ["u1", "u2", "u3", "u4", "u5"] },
  {
    name: "a full list by cursor, first page",
    kind: "users",
    query: { ...q(), keyset: {} },
    first: ["u1", "u2", "u3", "u4", "u5"],
  },
  { name: "a full list of groups (index paging)", kind: "groups", query: q(), first: ["g1", "g2", "g3", "g4", "g5"] },
  { name: "userName eq", kind: "users", query: q(cmp("eq", attr(["userName"]), "USER123")), first: ["u123"] },
  {
    name: "userName sw",
    kind: "users",
    query: q(cmp("sw", attr(["userName"]), "User4999")),
    first: ["u4999", "u49990", "u49991", "u49992", "u49993"],
  },
  {
    name: "externalId eq",
    kind: "users",
    query: q(cmp("eq", attr(["externalId"], "string", true), "ext77")),
    first: ["u77"],
  },
  {
    name: "externalId sw",
    kind: "users",
    query: q(cmp("sw", attr(["externalId"], "string", true), "ext5999")),
    first: ["u5999", "u59990", "u59991", "u59992", "u59993"],
  },
  {
    name: "emails.value eq",
    kind: "users",
    query: q(cmp("eq", attr(["emails", "value"]), "User4242@Example.com")),
    first: ["u4242"],
  },
  {
    name: "emails[value eq] (a value path)",
    kind: "users",
    query: q({
      op: "valuePath",
      attrPath: { path: ["emails"], type: "complex", caseExact: false, multiValued: true },
      filter: {
        op: "and",
        filters: [
          cmp("eq", attr(["value"]), "user4243@example.COM"),
          { op: "not", filter: { op: "pr", attrPath: attr(["type"]) } },
        ],
      },
    }),
    first: ["u4243"],
  },
  {
    name: "meta.lastModified gt",
    kind: "users",
    query: q(cmp("gt", lastModified, at(USERS - 3))),
    first: [`u${USERS - 2}`, `u${USERS - 1}`, `u${USERS}`],
  },
  {
    name: "meta.lastModified ge and lt",
    kind: "users",
    query: q({ op: "and", filters: [cmp("ge", lastModified, at(100)), cmp("lt", lastModified, at(102))] }),
    first: ["u100", "u101"],
  },
  {
    name: "sortBy userName",
    kind: "users",
    query: q(undefined, sort(["userName"])),
    first: ["u1", "u10", "u100", "u1000", "u10000"],
  },
  {
    name: "sortBy userName descending",
    kind: "users",
    query: q(undefined, sort(["userName"], true)),
    first: ["u9999", "u9998", "u9997", "u9996", "u9995"],
  },
  {
    name: "sortBy meta.lastModified descending",
    kind: "users",
    query: q(undefined, sort(["meta", "lastModified"], true)),
    first: [`u${USERS}`, `u${USERS - 1}`, `u${USERS - 2}`, `u${USERS - 3}`, `u${USERS - 4}`],
  },
  {
    name: "userName sw, sortBy meta.lastModified",
    kind: "users",
    query: q(cmp("sw", attr(["userName"]), "user5999"), sort(["meta", "lastModified"])),
    first: ["u5999", "u59990", "u59991", "u59992", "u59993"],
  },
  { name: "displayName eq", kind: "groups", query: q(cmp("eq", attr(["displayName"]), "GROUP7")), first: ["g7"] },
  {
    name: "displayName sw",
    kind: "groups",
    query: q(cmp("sw", attr(["displayName"]), "group199")),
    first: ["g199", "g1990", "g1991", "g1992", "g1993"],
  },
  {
    name: "members.value eq",
    kind: "groups",
    query: q(cmp("eq", attr(["members", "value"], "string", true), "u4001")),
    first: [`g${(4001 % GROUPS) + 1}`],
  },
  {
    name: "sortBy displayName",
    kind: "groups",
    query: q(undefined, sort(["displayName"])),
    first: ["g1", "g10", "g100", "g1000", "g1001"],
  },
];
