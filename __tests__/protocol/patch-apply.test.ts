import { applyPatch, parsePatchRequest } from "../../lib/protocol/patch";
import { userResourceType } from "../../lib/schema/core";
import { attribute } from "../../lib/schema/types";
import { USER_SCHEMA } from "../../lib/schema/urns";
import { barbara, ENT, patchOp, patchUser } from "./patch-helpers";
import { scimErrorOf } from "./scim-error";

type Row = [string, unknown[], (before: Record<string, unknown>) => Record<string, unknown>, string[]];

/** [name, operations, expected resource from the stored one, expected `changed`] */
const rows: Row[] = [
  // --- Okta
  [
    "Okta deactivation: pathless replace",
    [{ op: "replace", value: { active: false } }],
    (b) => ({ ...b, active: false }),
    ["active"],
  ],
  ["Okta reactivation", [{ op: "replace", value: { active: true } }], (b) => b, []],
  // --- Entra
  [
    'Entra: Replace active "False"',
    [{ op: "Replace", path: "active", value: "False" }],
    (b) => ({ ...b, active: false }),
    ["active"],
  ],
  [
    "Entra: dotted key in pathless value",
    [{ op: "Add", value: { "name.givenName": "Barb" } }],
    (b) => ({ ...b, name: { givenName: "Barb", familyName: "Jensen" } }),
    ["name"],
  ],
  [
    "Entra: URN-qualified key in pathless value",
    [{ op: "Replace", value: { [`${ENT}:employeeNumber`]: 42 } }],
    (b) => ({ ...b, [ENT]: { ...(b[ENT] as object), employeeNumber: "42" } }),
    [`${ENT}:employeeNumber`],
  ],
  [
    'Entra: add emails[type eq "work"].value replaces the work email\'s value',
    [{ op: "Add", path: 'emails[type eq "work"].value', value: "new@example.com" }],
    (b) => ({
      ...b,
      emails: [
        { value: "new@example.com", type: "work", primary: true },
        { value: "babs@jensen.org", type: "home" },
      ],
    }),
    ["emails"],
  ],
  [
    "Entra: manager as bare id",
    [{ op: "Replace", path: `${ENT}:manager`, value: "m2" }],
    (b) => ({ ...b, [ENT]: { employeeNumber: "701984", manager: { value: "m2" } } }),
    [`${ENT}:manager`],
  ],
  [
    "Entra: manager as one-element list with $ref",
    [{ op: "Add", path: `${ENT}:manager`, value: [{ value: "m2", $ref: "../Users/m2" }] }],
    (b) => ({ ...b, [ENT]: { employeeNumber: "701984", manager: { value: "m2", $ref: "../Users/m2" } } }),
    [`${ENT}:manager`],
  ],
  [
    'Entra: manager "" clears it',
    [{ op: "Replace", path: `${ENT}:manager`, value: "" }],
    (b) => ({ ...b, [ENT]: { employeeNumber: "701984" } }),
    [`${ENT}:manager`],
  ],
  [
    "Entra: manager.value sub-path",
    [{ op: "replace", path: `${ENT}:manager.value`, value: "m3" }],
    (b) => ({ ...b, [ENT]: { employeeNumber: "701984", manager: { value: "m3", displayName: "John Smith" } } }),
    [`${ENT}:manager`],
  ],
  [
    "explicit null clears",
    [{ op: "Replace", path: "displayName", value: null }],
    ({ displayName: _d, ...b }) => b,
    ["displayName"],
  ],
  [
    "empty string clears",
    [{ op: "Replace", value: { displayName: "" } }],
    ({ displayName: _d, ...b }) => b,
    ["displayName"],
  ],
  [
    "sloppy case names",
    [{ op: "replace", value: { DisplayName: "B", NAME: { GivenName: "B2" } } }],
    (b) => ({ ...b, displayName: "B", name: { givenName: "B2", familyName: "Jensen" } }),
    ["name", "displayName"],
  ],
  // --- RFC 7644 3.5.2 semantics
  [
    "add a simple attribute",
    [{ op: "add", path: "title", value: "Tour Guide" }],
    (b) => ({ ...b, title: "Tour Guide" }),
    ["title"],
  ],
  [
    "replace a simple attribute",
    [{ op: "replace", path: "displayName", value: "B" }],
    (b) => ({ ...b, displayName: "B" }),
    ["displayName"],
  ],
  [
    "remove a simple attribute",
    [{ op: "remove", path: "displayName" }],
    ({ displayName: _d, ...b }) => b,
    ["displayName"],
  ],
  ["remove an absent attribute is a no-op", [{ op: "remove", path: "title" }], (b) => b, []],
  [
    "add to a multi-valued attribute appends",
    [{ op: "add", path: "emails", value: [{ value: "b@x.org", type: "other" }] }],
    (b) => ({ ...b, emails: [...(b.emails as object[]), { value: "b@x.org", type: "other" }] }),
    ["emails"],
  ],
  [
    "add of an identical value does not duplicate",
    [{ op: "add", path: "emails", value: [{ value: "babs@jensen.org", type: "home" }] }],
    (b) => b,
    [],
  ],
  [
    "add of the same value and type merges (new primary wins)",
    [{ op: "add", path: "emails", value: { value: "babs@jensen.org", type: "home", primary: "True" } }],
    (b) => ({
      ...b,
      emails: [
        { value: "bjensen@example.com", type: "work", primary: false },
        { value: "babs@jensen.org", type: "home", primary: true },
      ],
    }),
    ["emails"],
  ],
  [
    "RFC 7644 3.5.2.1 pathless add example",
    [{ op: "add", value: { emails: [{ value: "babs@jensen.org", type: "home" }], nickname: "Babs" } }],
    (b) => ({ ...b, nickName: "Babs" }),
    ["nickName"],
  ],
  [
    "add on complex singular merges",
    [{ op: "add", path: "name", value: { middleName: "M" } }],
    (b) => ({ ...b, name: { givenName: "Barbara", familyName: "Jensen", middleName: "M" } }),
    ["name"],
  ],
  [
    "replace on complex singular leaves unnamed sub-attributes (RFC 7644 3.5.2.3), null clears one",
    [{ op: "replace", path: "name", value: { givenName: "B", familyName: null } }],
    (b) => ({ ...b, name: { givenName: "B" } }),
    ["name"],
  ],
  [
    "replace a multi-valued attribute replaces the list",
    [{ op: "replace", path: "emails", value: [{ value: "only@x.org" }] }],
    (b) => ({ ...b, emails: [{ value: "only@x.org" }] }),
    ["emails"],
  ],
  [
    "remove a multi-valued attribute clears it",
    [{ op: "remove", path: "emails" }],
    ({ emails: _e, ...b }) => b,
    ["emails"],
  ],
  [
    "remove with a filter removes matching values",
    [{ op: "remove", path: 'emails[type eq "work"]' }],
    (b) => ({ ...b, emails: [{ value: "babs@jensen.org", type: "home" }] }),
    ["emails"],
  ],
  [
    "remove with a filter matching nothing is a no-op",
    [{ op: "remove", path: 'emails[type eq "pager"]' }],
    (b) => b,
    [],
  ],
  [
    "remove a sub-attribute through a filter",
    [{ op: "remove", path: 'emails[type eq "work"].primary' }],
    (b) => ({
      ...b,
      emails: [
        { value: "bjensen@example.com", type: "work" },
        { value: "babs@jensen.org", type: "home" },
      ],
    }),
    ["emails"],
  ],
  [
    "remove the value through a filter drops the now-empty element",
    [{ op: "remove", path: 'emails[type eq "home"].value' }],
    (b) => ({ ...b, emails: [{ value: "bjensen@example.com", type: "work", primary: true }] }),
    ["emails"],
  ],
  [
    "add on a filter matching nothing creates the element from its eq terms",
    [{ op: "add", path: 'phoneNumbers[type eq "work"].value', value: "555-1234" }],
    (b) => ({ ...b, phoneNumbers: [{ type: "work", value: "555-1234" }] }),
    ["phoneNumbers"],
  ],
  [
    "replace on a filter matching nothing creates it too",
    [{ op: "replace", path: 'addresses[type eq "work"].locality', value: "Oslo" }],
    (b) => ({ ...b, addresses: [{ type: "work", locality: "Oslo" }] }),
    ["addresses"],
  ],
  [
    'Entra roles[primary eq "True"].value creates a primary role',
    [{ op: "Add", path: 'roles[primary eq "True"].value', value: "admin" }],
    (b) => ({ ...b, roles: [{ primary: true, value: "admin" }] }),
    ["roles"],
  ],
  [
    "replace a filtered element keeps its eq terms",
    [{ op: "replace", path: 'emails[type eq "home"]', value: { value: "h@x.org" } }],
    (b) => ({
      ...b,
      emails: [
        { value: "bjensen@example.com", type: "work", primary: true },
        { type: "home", value: "h@x.org" },
      ],
    }),
    ["emails"],
  ],
  [
    "primary written through a filter demotes the old primary",
    [{ op: "replace", path: 'emails[type eq "home"].primary', value: true }],
    (b) => ({
      ...b,
      emails: [
        { value: "bjensen@example.com", type: "work", primary: false },
        { value: "babs@jensen.org", type: "home", primary: true },
      ],
    }),
    ["emails"],
  ],
  [
    "two primaries in one written list: the last wins",
    [
      {
        op: "replace",
        path: "emails",
        value: [
          { value: "a@x", primary: true },
          { value: "b@x", primary: true },
        ],
      },
    ],
    (b) => ({
      ...b,
      emails: [
        { value: "a@x", primary: false },
        { value: "b@x", primary: true },
      ],
    }),
    ["emails"],
  ],
  [
    "sub-attribute path",
    [{ op: "replace", path: "name.familyName", value: "J" }],
    (b) => ({ ...b, name: { givenName: "Barbara", familyName: "J" } }),
    ["name"],
  ],
  [
    "remove a sub-attribute path",
    [{ op: "remove", path: "name.familyName" }],
    (b) => ({ ...b, name: { givenName: "Barbara" } }),
    ["name"],
  ],
  [
    "sub-attribute of a list without filter reaches every element",
    [{ op: "remove", path: "emails.type" }],
    (b) => ({ ...b, emails: [{ value: "bjensen@example.com", primary: true }, { value: "babs@jensen.org" }] }),
    ["emails"],
  ],
  // --- URN prefixes and whole extensions
  [
    "core URN-prefixed path",
    [{ op: "replace", path: `${USER_SCHEMA}:displayName`, value: "B" }],
    (b) => ({ ...b, displayName: "B" }),
    ["displayName"],
  ],
  [
    "extension attribute path",
    [{ op: "replace", path: `${ENT}:department`, value: "Tours" }],
    (b) => ({ ...b, [ENT]: { ...(b[ENT] as object), department: "Tours" } }),
    [`${ENT}:department`],
  ],
  [
    "unqualified extension attribute path",
    [{ op: "add", path: "costCenter", value: "4130" }],
    (b) => ({ ...b, [ENT]: { ...(b[ENT] as object), costCenter: "4130" } }),
    [`${ENT}:costCenter`],
  ],
  [
    "whole extension as path",
    [{ op: "add", path: ENT, value: { division: "Theme Park", Department: "Tours" } }],
    (b) => ({ ...b, [ENT]: { ...(b[ENT] as object), division: "Theme Park", department: "Tours" } }),
    [`${ENT}:division`, `${ENT}:department`],
  ],
  [
    "remove the whole extension",
    [{ op: "remove", path: ENT }],
    ({ [ENT]: _x, ...b }) => b,
    [`${ENT}:employeeNumber`, `${ENT}:manager`],
  ],
  [
    "extension URN key in a pathless value",
    [{ op: "replace", value: { [ENT]: { employeeNumber: "9" } } }],
    (b) => ({ ...b, [ENT]: { ...(b[ENT] as object), employeeNumber: "9" } }),
    [`${ENT}:employeeNumber`],
  ],
  // --- ignored silently in pathless values
  [
    "readOnly, schemas and unknown keys in a pathless value are ignored",
    [
      {
        op: "replace",
        value: {
          schemas: ["x"],
          id: "other",
          meta: { version: "x" },
          groups: [{ value: "g" }],
          favourite: 1,
          "urn:example:x:1.0:User": { a: 1 },
          title: "T",
        },
      },
    ],
    (b) => ({ ...b, title: "T" }),
    ["title"],
  ],
  [
    "password is writable",
    [{ op: "replace", path: "password", value: "s3cret" }],
    (b) => ({ ...b, password: "s3cret" }),
    ["password"],
  ],
  [
    "several operations in order",
    [
      { op: "add", path: "title", value: "A" },
      { op: "replace", path: "title", value: "B" },
      { op: "remove", path: "nickName" },
    ],
    (b) => ({ ...b, title: "B" }),
    ["title"],
  ],
];

describe("applyPatch on a user", () => {
  test.each(rows)("%s", (_name, ops, expected, changed) => {
    const before = barbara();
    const result = patchUser(before, ...ops);
    expect(result.resource).toEqual(expected(barbara()));
    expect(result.changed.sort()).toEqual([...changed].sort());
    expect(result.members).toEqual([]);
    expect(before).toEqual(barbara());
  });

  test("schemas is recomputed when the input carries it", () => {
    const before = { schemas: [USER_SCHEMA], userName: "b" };
    const result = patchUser(before, { op: "add", path: `${ENT}:department`, value: "D" });
    expect(result.resource.schemas).toEqual([USER_SCHEMA, ENT]);
    expect(result.changed).toEqual([`${ENT}:department`]);
  });

  test('Entra: add emails[type eq "work"].value on a user without a work email creates it', () => {
    const before = { userName: "b", emails: [{ value: "h@x.org", type: "home", primary: true }] };
    const result = patchUser(before, { op: "Add", path: 'emails[type eq "work"].value', value: "w@x.org" });
    expect(result.resource.emails).toEqual([
      { value: "h@x.org", type: "home", primary: true },
      { type: "work", value: "w@x.org" },
    ]);
    const none = patchUser(
      { userName: "b" },
      { op: "Replace", path: 'emails[type eq "work"].value', value: "w@x.org" },
    );
    expect(none.resource.emails).toEqual([{ type: "work", value: "w@x.org" }]);
  });

  test("a pathless value key with a value filter is read as a path", () => {
    const result = patchUser(
      { userName: "b" },
      { op: "Add", value: { 'emails[type eq "work"].value': "w@x.org", "name.familyName": "J" } },
    );
    expect(result.resource).toEqual({
      userName: "b",
      emails: [{ type: "work", value: "w@x.org" }],
      name: { familyName: "J" },
    });
  });

  test("an Okta junk meta date stays as the service stored it", () => {
    const before = { userName: "b", meta: { created: "04-12-2018 00:00:00" } };
    expect(patchUser(before, { op: "replace", value: { active: false } }).resource.meta).toEqual(before.meta);
  });
});

describe("applyPatch errors", () => {
  test.each<[string, unknown[], string, string]>([
    ["unknown path", [{ op: "add", path: "favourite", value: 1 }], "invalidPath", "favourite"],
    ["unknown sub-attribute", [{ op: "add", path: "name.nick", value: 1 }], "invalidPath", "name.nick"],
    [
      "unknown sub-attribute after a filter",
      [{ op: "add", path: 'emails[type eq "work"].nope', value: 1 }],
      "invalidPath",
      "nope",
    ],
    ["unknown attribute inside a filter", [{ op: "remove", path: 'emails[nope eq "work"]' }], "invalidPath", "nope"],
    ["filter on a single-valued attribute", [{ op: "remove", path: 'name[givenName eq "x"]' }], "invalidPath", "name"],
    ["readOnly id by path", [{ op: "replace", path: "id", value: "x" }], "mutability", "id"],
    [
      "readOnly meta sub-attribute by path",
      [{ op: "replace", path: "meta.lastModified", value: "2024-01-01T00:00:00Z" }],
      "mutability",
      "meta.lastModified",
    ],
    ["readOnly groups by path", [{ op: "remove", path: "groups" }], "mutability", "groups"],
    [
      "readOnly manager.displayName by path",
      [{ op: "replace", path: `${ENT}:manager.displayName`, value: "x" }],
      "mutability",
      "manager.displayName",
    ],
    ["remove a required attribute", [{ op: "remove", path: "userName" }], "mutability", "userName"],
    ["null a required attribute", [{ op: "replace", value: { userName: null } }], "mutability", "userName"],
    ["bad boolean", [{ op: "replace", path: "active", value: "nope" }], "invalidValue", "active"],
    [
      "bad nested boolean",
      [{ op: "add", path: "emails", value: [{ value: "x", primary: "sure" }] }],
      "invalidValue",
      "emails.primary",
    ],
    ["object for a string", [{ op: "replace", path: "title", value: { a: 1 } }], "invalidValue", "title"],
    [
      "two values for a single attribute",
      [{ op: "replace", path: "title", value: ["a", "b"] }],
      "invalidValue",
      "title",
    ],
    ["pathless value not an object", [{ op: "replace", value: "x" }], "invalidValue", "path"],
    [
      "filter with no match that describes nothing",
      [{ op: "add", path: 'emails[type eq "pager" or type eq "fax"].display', value: "d" }],
      "noTarget",
      "emails",
    ],
  ])("%s -> 400 %s", (_name, ops, scimType, named) => {
    const error = scimErrorOf(() => patchUser(barbara(), ...ops));
    expect([error.status, error.scimType]).toEqual([400, scimType]);
    expect(error.detail).toContain(named);
  });

  test("an immutable attribute may be set when absent but never changed", () => {
    const rt = {
      ...userResourceType,
      schema: {
        ...userResourceType.schema,
        attributes: [
          ...userResourceType.schema.attributes,
          {
            ...attribute("badge", "string"),
            required: false,
            uniqueness: "none" as const,
            mutability: "immutable" as const,
          },
        ],
      },
    };
    const ops = (value: unknown) => parsePatchRequest(patchOp({ op: "replace", path: "badge", value }));
    const set = applyPatch(rt, { userName: "b" }, ops("B1"));
    expect(set.resource.badge).toBe("B1");
    expect(applyPatch(rt, set.resource, ops("B1")).changed).toEqual([]);
    const error = scimErrorOf(() => applyPatch(rt, set.resource, ops("B2")));
    expect([error.status, error.scimType]).toEqual([400, "mutability"]);
    expect(error.detail).toContain("badge");
  });

  test("atomicity: a failing third operation leaves the input untouched", () => {
    const before = barbara();
    const error = scimErrorOf(() =>
      patchUser(
        before,
        { op: "replace", path: "displayName", value: "Changed" },
        { op: "remove", path: "emails" },
        { op: "replace", path: "active", value: "maybe" },
      ),
    );
    expect(error.scimType).toBe("invalidValue");
    expect(before).toEqual(barbara());
  });

  test("applyPatch accepts ops built by hand, and rejects a pathless remove", () => {
    expect(scimErrorOf(() => applyPatch(userResourceType, barbara(), [{ op: "remove" }])).scimType).toBe("noTarget");
  });

  test("a bad membersAttribute is a configuration TypeError", () => {
    expect(() => applyPatch(userResourceType, barbara(), [], { membersAttribute: "people" })).toThrow(TypeError);
  });
});
