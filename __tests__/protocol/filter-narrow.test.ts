/**
 * narrowFilter: one root-search filter (RFC 7644 3.4.2.2) folded for one resource type, where
 * attributes the type does not define read as unassigned. The folded answer must equal what the
 * evaluator gives a resource lacking the attribute.
 */
import { evaluate, parseFilter, printFilter, resolveFilter } from "../../lib/protocol/filter";
import { attrPathsOf, narrowFilter } from "../../lib/protocol/filter/narrow";
import { groupResourceType, userResourceType } from "../../lib/schema/core";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const onGroups = (text: string) => {
  const narrowed = narrowFilter(groupResourceType, parseFilter(text));
  return typeof narrowed === "boolean" ? narrowed : printFilter(narrowed);
};

describe("narrowFilter on Groups (which define no userName, title or enterprise extension)", () => {
  test.each([
    ['userName eq "a"', false],
    ['userName ne "a"', true],
    ["userName pr", false],
    ["not (userName pr)", true],
    ["userName eq null", true],
    ["userName ne null", false],
    ['emails[type eq "work"]', false],
    [`${ENT}:employeeNumber eq "1"`, false],
    [`${ENT} pr`, false],
    ['displayName eq "a"', 'displayName eq "a"'],
    ['userName eq "a" or displayName eq "b"', 'displayName eq "b"'],
    ['userName eq "a" and displayName eq "b"', false],
    ['not (userName eq "a") and displayName eq "b"', 'displayName eq "b"'],
    ['userName ne "a" or displayName eq "b"', true],
    ['(title pr or members pr) and not (displayName sw "x")', 'members pr and not (displayName sw "x")'],
    [
      `schemas eq "urn:ietf:params:scim:schemas:core:2.0:User"`,
      `schemas eq "urn:ietf:params:scim:schemas:core:2.0:User"`,
    ],
  ] as const)("%s -> %s", (text, expected) => {
    expect(onGroups(text)).toEqual(expected);
  });

  test("a folded constant is what the evaluator answers for a user lacking the attribute", () => {
    for (const text of [
      'title eq "a"',
      'title ne "a"',
      "title pr",
      "not (title pr)",
      "title eq null",
      'title co "x" or not (title sw "y")',
    ]) {
      const folded = narrowFilter(groupResourceType, parseFilter(text));
      expect(typeof folded).toBe("boolean");
      expect(evaluate(resolveFilter(userResourceType, parseFilter(text)), { id: "1", userName: "u" })).toBe(folded);
    }
  });

  test("attrPathsOf lists the resource-level paths tested", () => {
    expect(attrPathsOf(parseFilter('a eq "1" and (not (b pr) or emails[type eq "x"])')).map((p) => p.name)).toEqual([
      "a",
      "b",
      "emails",
    ]);
  });
});
