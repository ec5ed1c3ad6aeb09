import fc from "fast-check";
import { netMemberChange, type MemberDelta } from "../../lib/protocol/patch";
import { patchGroup } from "./patch-helpers";
import { scimErrorOf } from "./scim-error";
import type { Member } from "../../lib/schema/types";

const group = () => ({ id: "g1", displayName: "Engineering", meta: { resourceType: "Group" } });
const u = (value: string): Member => ({ value, type: "User" });

describe("member operations become deltas", () => {
  test.each<[string, unknown[], MemberDelta[]]>([
    [
      "RFC 7644 3.5.2.1 add members",
      [
        {
          op: "add",
          path: "members",
          value: [{ display: "Babs Jensen", $ref: "https://example.com/v2/Users/2819c223", value: "2819c223" }],
        },
      ],
      [{ kind: "add", members: [u("2819c223")] }],
    ],
    [
      "RFC 7644 3.5.2.2 remove one member",
      [{ op: "remove", path: 'members[value eq "2819c223-7f76-453a-919d-413861904646"]' }],
      [{ kind: "remove", ids: ["2819c223-7f76-453a-919d-413861904646"] }],
    ],
    ["RFC 7644 3.5.2.2 remove all members", [{ op: "remove", path: "members" }], [{ kind: "replace", members: [] }]],
    [
      "RFC 7644 3.5.2.2 remove all, then add (the replace idiom)",
      [
        { op: "remove", path: "members" },
        { op: "add", path: "members", value: [{ value: "a" }, { value: "b" }] },
      ],
      [
        { kind: "replace", members: [] },
        { kind: "add", members: [u("a"), u("b")] },
      ],
    ],
    [
      "RFC 7644 3.5.2.3 replace members",
      [{ op: "replace", path: "members", value: [{ value: "a" }] }],
      [{ kind: "replace", members: [u("a")] }],
    ],
    [
      "Okta: removes by filter mixed with an array add",
      [
        { op: "remove", path: 'members[value eq "id1"]' },
        { op: "remove", path: 'members[value eq "id3"]' },
        { op: "add", path: "members", value: [{ value: "id2", display: "Bo" }] },
      ],
      [
        { kind: "remove", ids: ["id1"] },
        { kind: "remove", ids: ["id3"] },
        { kind: "add", members: [u("id2")] },
      ],
    ],
    [
      "filters joined by or",
      [{ op: "remove", path: 'members[value eq "x" or value eq "y"]' }],
      [{ kind: "remove", ids: ["x", "y"] }],
    ],
    [
      "Entra: Remove members with a value list removes only those",
      [{ op: "Remove", path: "members", value: [{ value: "x", $ref: null }, { value: "y" }] }],
      [{ kind: "remove", ids: ["x", "y"] }],
    ],
    [
      "Entra: Add several members with $ref null",
      [
        {
          op: "Add",
          path: "members",
          value: [
            { value: "x", $ref: null },
            { value: "y", $ref: null },
          ],
        },
      ],
      [{ kind: "add", members: [u("x"), u("y")] }],
    ],
    [
      "member type Group, any case",
      [{ op: "add", path: "members", value: [{ value: "g2", Type: "group" }] }],
      [{ kind: "add", members: [{ value: "g2", type: "Group" }] }],
    ],
    [
      "a single member object",
      [{ op: "add", path: "members", value: { value: "x" } }],
      [{ kind: "add", members: [u("x")] }],
    ],
    [
      "duplicates in one op collapse",
      [{ op: "add", path: "members", value: [{ value: "x" }, { value: "x" }] }],
      [{ kind: "add", members: [u("x")] }],
    ],
    [
      "pathless add with members",
      [{ op: "add", value: { members: [{ value: "x" }] } }],
      [{ kind: "add", members: [u("x")] }],
    ],
    [
      "pathless replace with members",
      [{ op: "replace", value: { members: [{ value: "x" }] } }],
      [{ kind: "replace", members: [u("x")] }],
    ],
    [
      "add null adds nothing (never wipes)",
      [{ op: "add", path: "members", value: null }],
      [{ kind: "add", members: [] }],
    ],
    ["replace [] empties", [{ op: "replace", path: "members", value: [] }], [{ kind: "replace", members: [] }]],
  ])("%s", (_name, ops, deltas) => {
    const before = group();
    const result = patchGroup(before, ...ops);
    expect(result.members).toEqual(deltas);
    expect(result.resource).toEqual(group());
    expect(result.changed).toEqual([]);
    expect(before).toEqual(group());
  });

  test("Okta rename with id is idempotent and leaves members alone", () => {
    const rename = { op: "replace", value: { id: "g1", displayName: "Eng" } };
    const first = patchGroup(group(), rename);
    expect(first.resource).toEqual({ ...group(), displayName: "Eng" });
    expect(first.changed).toEqual(["displayName"]);
    const again = patchGroup(first.resource, rename);
    expect(again.resource).toEqual(first.resource);
    expect(again.changed).toEqual([]);
  });

  test.each<[string, unknown[], string, string]>([
    [
      "filter on type would need the member list",
      [{ op: "remove", path: 'members[type eq "User"]' }],
      "invalidFilter",
      'type eq "User"',
    ],
    ["value ne", [{ op: "remove", path: 'members[value ne "x"]' }], "invalidFilter", "members"],
    [
      "value eq and type",
      [{ op: "remove", path: 'members[value eq "x" and type eq "User"]' }],
      "invalidFilter",
      "members",
    ],
    [
      "add with a filter",
      [{ op: "add", path: 'members[value eq "x"]', value: [{ value: "x" }] }],
      "invalidPath",
      "members",
    ],
    [
      "member sub-attribute",
      [{ op: "replace", path: 'members[value eq "x"].display', value: "D" }],
      "invalidPath",
      "members",
    ],
    ["empty member id", [{ op: "add", path: "members", value: [{ value: "" }] }], "invalidValue", "members.value"],
    ["missing member id", [{ op: "add", path: "members", value: [{ display: "x" }] }], "invalidValue", "members.value"],
    [
      "object member id",
      [{ op: "add", path: "members", value: [{ value: { id: 1 } }] }],
      "invalidValue",
      "members.value",
    ],
    [
      "bad member type",
      [{ op: "add", path: "members", value: [{ value: "x", type: "Robot" }] }],
      "invalidValue",
      "members.type",
    ],
    // As POST/PUT answer (coerce.ts): a nested list is malformed, not a one-element member.
    ["a list of lists", [{ op: "add", path: "members", value: [["x"]] }], "invalidValue", "list of lists"],
    ["group displayName is required", [{ op: "remove", path: "displayName" }], "mutability", "displayName"],
  ])("%s -> 400 %s", (_name, ops, scimType, named) => {
    const error = scimErrorOf(() => patchGroup(group(), ...ops));
    expect([error.status, error.scimType]).toEqual([400, scimType]);
    expect(error.detail).toContain(named);
  });
});

describe("error details stay short whatever the client sent", () => {
  const deep = (depth: number) => {
    let v: unknown = "x";
    for (let i = 0; i < depth; i++) v = { a: v };
    return v;
  };

  test.each<[string, unknown[], string]>([
    ["a 100,000-level member id", [{ op: "add", path: "members", value: [{ value: deep(100_000) }] }], "invalidValue"],
    [
      "a 100,000-level member type",
      [{ op: "add", path: "members", value: [{ value: "x", type: deep(100_000) }] }],
      "invalidValue",
    ],
    [
      "a megabyte member type",
      [{ op: "add", path: "members", value: [{ value: "x", type: "t".repeat(1_000_000) }] }],
      "invalidValue",
    ],
    ["a 100,000-level op", [{ op: deep(100_000), path: "displayName", value: "x" }], "invalidSyntax"],
    ["a megabyte op", [{ op: "o".repeat(1_000_000), path: "displayName", value: "x" }], "invalidSyntax"],
  ])("%s: 400 %s, no stack overflow, a short detail", (_name, ops, scimType) => {
    const error = scimErrorOf(() => patchGroup(group(), ...ops));
    expect([error.status, error.scimType]).toEqual([400, scimType]);
    expect(error.detail.length).toBeLessThan(300);
  });
});

describe("netMemberChange", () => {
  test.each<[string, MemberDelta[], ReturnType<typeof netMemberChange>]>([
    ["nothing", [], { add: [], remove: [] }],
    [
      "remove x then add x: added",
      [
        { kind: "remove", ids: ["x"] },
        { kind: "add", members: [u("x")] },
      ],
      { add: [u("x")], remove: [] },
    ],
    [
      "add x then remove x: removed",
      [
        { kind: "add", members: [u("x")] },
        { kind: "remove", ids: ["x"] },
      ],
      { add: [], remove: ["x"] },
    ],
    [
      "replace then add",
      [
        { kind: "replace", members: [u("a")] },
        { kind: "add", members: [u("b")] },
      ],
      { replace: [u("a"), u("b")], add: [], remove: [] },
    ],
    [
      "add then replace: the replace wins",
      [
        { kind: "add", members: [u("b")] },
        { kind: "replace", members: [u("a")] },
      ],
      { replace: [u("a")], add: [], remove: [] },
    ],
    [
      "replace then remove",
      [
        { kind: "replace", members: [u("a"), u("b")] },
        { kind: "remove", ids: ["a"] },
      ],
      { replace: [u("b")], add: [], remove: [] },
    ],
  ])("%s", (_name, deltas, expected) => {
    expect(netMemberChange(deltas)).toEqual(expected);
  });

  const ids = fc.constantFrom("a", "b", "c", "d", "e", "f");
  const delta: fc.Arbitrary<MemberDelta> = fc.oneof(
    fc.record({ kind: fc.constant("add" as const), members: fc.array(ids.map(u), { maxLength: 4 }) }),
    fc.record({ kind: fc.constant("remove" as const), ids: fc.array(ids, { maxLength: 4 }) }),
    fc.record({ kind: fc.constant("replace" as const), members: fc.array(ids.map(u), { maxLength: 4 }) }),
  );

  function sequential(start: Set<string>, deltas: MemberDelta[]): Set<string> {
    let set = new Set(start);
    for (const d of deltas) {
      if (d.kind === "replace") set = new Set(d.members.map((m) => m.value));
      else if (d.kind === "add") for (const m of d.members) set.add(m.value);
      else for (const id of d.ids) set.delete(id);
    }
    return set;
  }

  function folded(start: Set<string>, deltas: MemberDelta[]): Set<string> {
    const net = netMemberChange(deltas);
    const set = net.replace ? new Set(net.replace.map((m) => m.value)) : new Set(start);
    for (const id of net.remove) set.delete(id);
    for (const m of net.add) set.add(m.value);
    return set;
  }

  test("property: the folded change equals sequential application, add and remove disjoint", () => {
    fc.assert(
      fc.property(fc.uniqueArray(ids), fc.array(delta, { maxLength: 8 }), (start, deltas) => {
        const net = netMemberChange(deltas);
        const added = new Set(net.add.map((m) => m.value));
        expect(net.remove.filter((id) => added.has(id))).toEqual([]);
        if (net.replace) expect([net.add, net.remove]).toEqual([[], []]);
        expect([...folded(new Set(start), deltas)].sort()).toEqual([...sequential(new Set(start), deltas)].sort());
      }),
    );
  });
});
