/**
 * Group filters on `members`, answered from the membership index instead of a built member
 * list: `members.value eq "id"` (Okta and Entra ask "which groups hold this user") is one Set
 * lookup per group, and any other member path walks the group's members one at a time, stopping
 * at the first match. The answer is exactly what evaluate() gives over `{ ...record, members }`;
 * __tests__/stores/memory.test.ts holds the two together.
 */
import type { ResolvedFilter } from "../../protocol/filter/ast";
import { evaluate } from "../../protocol/filter/evaluate";
import type { Member } from "../../schema/types";

/** What the filter needs to know about one tenant's memberships. */
export interface MemberIndex {
  membersOf(groupId: string): ReadonlyMap<string, Member["type"]>;
  has(groupId: string, memberId: string): boolean;
  displayOf(memberId: string, type: Member["type"]): string | undefined;
}

type Leaf = Exclude<ResolvedFilter, { op: "and" | "or" | "not" }>;

/** True when `path` reads the group's members (the SQL stores read the memberships table there too). */
export const isMemberPath = (path: readonly string[]) => path[0] === "members";

/** evaluate() for a group, with `members` paths read from `index`; `view` is the row as filters see it. */
export function evaluateGroup(filter: ResolvedFilter, view: unknown, groupId: string, index: MemberIndex): boolean {
  switch (filter.op) {
    case "and":
      return filter.filters.every((f) => evaluateGroup(f, view, groupId, index));
    case "or":
      return filter.filters.some((f) => evaluateGroup(f, view, groupId, index));
    case "not":
      return !evaluateGroup(filter.filter, view, groupId, index);
    default:
      return isMemberPath(filter.attrPath.path) ? onMembers(filter, groupId, index) : evaluate(filter, view);
  }
}

/**
 * A test on `members...` holds when it holds for one member (RFC 7644 3.4.2.2: a multi-valued
 * attribute matches when any value does), except where evaluate() negates that "any": `ne`, and
 * `eq null` (absent).
 */
function onMembers(filter: Leaf, groupId: string, index: MemberIndex): boolean {
  const attrPath = { ...filter.attrPath, path: filter.attrPath.path.slice(1) };
  const any = (test: ResolvedFilter) => someMember(groupId, index, (member) => evaluate(test, member));
  if (filter.op === "pr" || filter.op === "valuePath") return any({ ...filter, attrPath });
  const { op, compValue } = filter;
  if (compValue === null) {
    if (op !== "eq" && op !== "ne") return false;
    const present = any({ op: "pr", attrPath });
    return op === "ne" ? present : !present;
  }
  if (
    (op === "eq" || op === "ne") &&
    attrPath.path.length === 1 &&
    attrPath.path[0] === "value" &&
    typeof compValue === "string"
  ) {
    // Member ids are ids of this store's rows, generated lower-case, so a case-insensitive
    // `members.value` comparison is an exact lookup of the folded literal.
    const found = index.has(groupId, compValue) || (!attrPath.caseExact && index.has(groupId, compValue.toLowerCase()));
    return op === "eq" ? found : !found;
  }
  if (op === "ne") return !any({ op: "eq", attrPath, compValue });
  return any({ op, attrPath, compValue });
}

/** One member at a time, `display` read only if a test asks for it. */
function someMember(groupId: string, index: MemberIndex, test: (member: Record<string, unknown>) => boolean): boolean {
  for (const [value, type] of index.membersOf(groupId)) {
    const member: Record<string, unknown> = { value, type };
    Object.defineProperty(member, "display", { get: () => index.displayOf(value, type), enumerable: true });
    if (test(member)) return true;
  }
  return false;
}
