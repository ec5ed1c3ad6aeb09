import fc from "fast-check";
import { ScimError } from "../../lib/protocol/errors";
import { applyPatch, parsePatchRequest } from "../../lib/protocol/patch";
import { groupResourceType, userResourceType } from "../../lib/schema/core";
import { barbara, ENT, patchOp } from "./patch-helpers";

const paths = fc.constantFrom(
  "displayName",
  "title",
  "active",
  "name",
  "name.givenName",
  "emails",
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'emails[type eq "home"].primary',
  "emails.type",
  "phoneNumbers",
  'roles[primary eq "True"].value',
  `${ENT}:manager`,
  `${ENT}:employeeNumber`,
  ENT,
  "userName",
  "id",
  "nope",
  undefined,
);
const values = fc.oneof(
  fc.constantFrom(null, "", "False", "True", true, 42, "x@example.com", "m1", [], {}),
  fc.record(
    { value: fc.string({ maxLength: 5 }), type: fc.constantFrom("work", "home", ""), primary: fc.boolean() },
    { requiredKeys: [] },
  ),
  fc.array(fc.record({ value: fc.string({ maxLength: 5 }), primary: fc.boolean() }), { maxLength: 3 }),
  fc.record(
    {
      active: fc.boolean(),
      displayName: fc.string({ maxLength: 5 }),
      id: fc.string(),
      "name.givenName": fc.string({ maxLength: 5 }),
    },
    { requiredKeys: [] },
  ),
);
const rawOp = fc
  .record({ op: fc.constantFrom("add", "Replace", "remove"), path: paths, value: values })
  .map(({ path, ...rest }) => (path === undefined ? rest : { ...rest, path }));

/** Runs the patch; returns the ScimError instead of throwing (400s are fine here, crashes are not). */
function attempt(resource: Record<string, unknown>, ops: unknown[]) {
  try {
    return applyPatch(userResourceType, resource, parsePatchRequest(patchOp(...ops)));
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
}

describe("applyPatch properties", () => {
  test("never mutates its input, succeeds or fails with a ScimError only", () => {
    fc.assert(
      fc.property(fc.array(rawOp, { maxLength: 6 }), (ops) => {
        const before = barbara();
        attempt(before, ops);
        expect(before).toEqual(barbara());
      }),
      { numRuns: 500 },
    );
  });

  test("frozen input is fine (copy, never write in place)", () => {
    const deepFreeze = <T>(o: T): T => {
      if (o && typeof o === "object") Object.values(o).forEach(deepFreeze);
      return Object.freeze(o);
    };
    fc.assert(
      fc.property(fc.array(rawOp, { maxLength: 6 }), (ops) => void attempt(deepFreeze(barbara()), ops)),
      { numRuns: 200 },
    );
  });

  test("a successful result is a fixed point of the normaliser and `changed` lists exactly the differing keys", () => {
    fc.assert(
      fc.property(fc.array(rawOp, { maxLength: 6 }), (ops) => {
        const result = attempt(barbara(), ops);
        if (result instanceof ScimError) return;
        const again = applyPatch(userResourceType, result.resource, []);
        expect(again.resource).toEqual(result.resource);
        expect(again.changed).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  test("atomicity: whatever the first operations did, a failing one leaves the input as it was", () => {
    fc.assert(
      fc.property(fc.array(rawOp, { maxLength: 4 }), (ops) => {
        const before = barbara();
        const result = attempt(before, [...ops, { op: "replace", path: "active", value: "not a boolean" }]);
        expect(result).toBeInstanceOf(ScimError);
        expect(before).toEqual(barbara());
      }),
    );
  });

  test("group patches never grow the resource with members", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 5 }), (ids) => {
        const before = { id: "g", displayName: "G" };
        const ops = ids.map((id, i) =>
          i % 2
            ? { op: "remove", path: `members[value eq "${id}"]` }
            : { op: "add", path: "members", value: [{ value: id }] },
        );
        const result = applyPatch(groupResourceType, before, parsePatchRequest(patchOp(...ops)));
        expect(result.resource).toEqual(before);
        expect(result.members).toHaveLength(ids.length);
      }),
    );
  });
});
