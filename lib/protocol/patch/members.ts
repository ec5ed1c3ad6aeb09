/**
 * Group member operations as deltas. The service hands these to MemberStore, so a PATCH never
 * reads, clones or writes a whole member list (design.md: groups of 200,000 members).
 */
import { badRequest, notTolerated, preview } from "../errors";
import { tolerates, type Tolerances } from "../../profiles/tolerances";
import { printFilter, type Filter } from "../filter";
import { coerceValue } from "../../schema/coerce";
import { attribute, type Member } from "../../schema/types";
import type { MemberDelta, NetMemberChange, PatchOpName } from "./types";
import { isAbsent, isObject, memberOf } from "../../values/json";

const VALUE = attribute("value", "string", { caseExact: true });

/** What a member operation targets: `members`, or `members[value eq "x" or value eq "y"]`. */
export interface MembersTarget {
  filter?: Filter;
  /** A sub-attribute was named (`members.value`, `members[...].display`): not patchable. */
  sub?: string;
  where: string;
}

export function memberDelta(
  op: PatchOpName,
  target: MembersTarget,
  value: unknown,
  tolerate?: Tolerances,
): MemberDelta {
  if (target.sub !== undefined) {
    throw badRequest(
      "invalidPath",
      `"${target.where}": member sub-attributes cannot be patched; add or remove whole members`,
    );
  }
  if (target.filter) {
    if (op !== "remove") {
      throw badRequest(
        "invalidPath",
        `"${target.where}": only "remove" takes a filter on members; use "add" with a value list`,
      );
    }
    return { kind: "remove", ids: idsFromFilter(target.filter, target.where) };
  }
  switch (op) {
    // An add of nothing adds nothing: never let a stray null wipe a group.
    case "add":
      return { kind: "add", members: isAbsent(value) ? [] : parseMembers(value, target.where) };
    case "replace":
      return { kind: "replace", members: isAbsent(value) ? [] : parseMembers(value, target.where) };
    case "remove":
      // RFC 7644 3.5.2.2: remove without a filter clears the attribute. Entra sends
      // `remove members` WITH a value list meaning "only these": never wipe the group then.
      if (isAbsent(value)) return { kind: "replace", members: [] };
      if (!tolerates(tolerate, "removeWithValue"))
        throw notTolerated(
          "invalidValue",
          `"${target.where}": "remove" takes no value (RFC 7644 3.5.2.2); name the members in the path, e.g. members[value eq "id"].`,
          "removeWithValue",
        );
      return { kind: "remove", ids: parseMembers(value, target.where).map((m) => m.value) };
  }
}

/**
 * Member values as clients send them: `[{value, display, $ref: null}]` (Entra), a single object,
 * or a bare id. `display` is readOnly and `$ref` derived, so both are dropped; the store knows
 * the member's name. Duplicates collapse to the last one.
 */
export function parseMembers(value: unknown, where: string): Member[] {
  const byId = new Map<string, Member>();
  for (const item of Array.isArray(value) ? value : [value]) {
    // As on POST/PUT (coerce.ts): `[["id"]]` is a malformed list, not the member "id".
    if (Array.isArray(item))
      throw badRequest("invalidValue", `Attribute '${where}' must be a list of members, not a list of lists`);
    const element = isObject(item) ? item : { value: item };
    const member: Member = {
      value: memberId(memberOf(element, "value"), where),
      type: memberType(memberOf(element, "type"), where),
    };
    byId.delete(member.value);
    byId.set(member.value, member);
  }
  return [...byId.values()];
}

function memberId(raw: unknown, where: string): string {
  const id = isAbsent(raw) ? undefined : coerceValue(VALUE, raw, `${where}.value`);
  if (typeof id !== "string" || id.trim() === "") {
    throw badRequest(
      "invalidValue",
      `Attribute '${where}.value' must be a non-empty member id, got ${raw === undefined ? "nothing" : preview(raw)}`,
    );
  }
  return id;
}

/** RFC 7643 4.2: "User" or "Group"; absent means User, the common case. */
function memberType(raw: unknown, where: string): Member["type"] {
  if (isAbsent(raw)) return "User";
  const text = typeof raw === "string" ? raw.trim().toLowerCase() : "";
  if (text === "user") return "User";
  if (text === "group") return "Group";
  throw badRequest("invalidValue", `Attribute '${where}.type' must be "User" or "Group", got ${preview(raw)}`);
}

/**
 * `value eq "x"`, or several joined with `or` (Okta sends one per op, others join them).
 * Anything else (`type eq "User"`, `display co "a"`) would need the member list loaded.
 */
function idsFromFilter(filter: Filter, where: string): string[] {
  const ids: string[] = [];
  const walk = (f: Filter): boolean => {
    if (f.op === "or") return f.filters.every(walk);
    const plain = f.op === "eq" && f.attrPath.uri === undefined && f.attrPath.subAttr === undefined;
    if (!plain || f.attrPath.name.toLowerCase() !== "value") return false;
    ids.push(memberId(f.compValue, where));
    return true;
  };
  if (!walk(filter)) {
    throw badRequest(
      "invalidFilter",
      `"${where}": a members filter may only match ids (value eq "id", joined with "or"), got ${preview(printFilter(filter))}`,
    );
  }
  return [...new Set(ids)];
}

/**
 * Folds ordered deltas into one equivalent change. Without a replace, the result is
 * (current minus `remove`) plus `add`, with the two disjoint: the later of "add x" and
 * "remove x" wins. A replace resets; later deltas are applied to its list.
 */
export function netMemberChange(deltas: readonly MemberDelta[]): NetMemberChange {
  let replace: Map<string, Member> | undefined;
  const add = new Map<string, Member>();
  const remove = new Set<string>();
  for (const delta of deltas) {
    if (delta.kind === "replace") {
      replace = new Map(delta.members.map((m) => [m.value, m]));
      add.clear();
      remove.clear();
    } else if (delta.kind === "add") {
      for (const m of delta.members) {
        if (replace) replace.set(m.value, m);
        else {
          remove.delete(m.value);
          add.set(m.value, m);
        }
      }
    } else {
      for (const id of delta.ids) {
        if (replace) replace.delete(id);
        else {
          add.delete(id);
          remove.add(id);
        }
      }
    }
  }
  const change: NetMemberChange = { add: [...add.values()], remove: [...remove] };
  if (replace) change.replace = [...replace.values()];
  return change;
}
