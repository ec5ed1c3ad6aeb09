import { ScimError } from "../../lib/protocol/errors";
import { groupResourceType, userResourceType } from "../../lib/schema/core";
import { coerceValue, normalizeResource, resolveKey } from "../../lib/schema/normalize";
import { findAttribute } from "../../lib/schema/resolve";
import { ENTERPRISE_USER_SCHEMA as ENT, USER_SCHEMA } from "../../lib/schema/urns";
import { scimErrorOf } from "./scim-error";

const user = (body: Record<string, unknown>, opts = {}) =>
  normalizeResource(userResourceType, { userName: "bjensen", ...body }, opts);

describe("normalizeResource: shape", () => {
  test("Okta's create body: schemas, groups, id, meta dropped; password kept; names canonical", () => {
    const out = normalizeResource(userResourceType, {
      schemas: [USER_SCHEMA],
      id: "abc",
      meta: { created: "04-12-2018 00:00:00" }, // Okta's junk date: readOnly, so never parsed
      userName: "isabell@example.com",
      name: { givenName: "Isabell", FamilyName: "Ross" },
      emails: [{ primary: true, value: "isabell@example.com", type: "work" }],
      DisplayName: "Isabell Ross",
      locale: "en-US",
      externalId: "00u1",
      groups: [],
      password: "1mz050nq",
      active: true,
    });
    expect(out).toEqual({
      userName: "isabell@example.com",
      name: { givenName: "Isabell", familyName: "Ross" },
      emails: [{ primary: true, value: "isabell@example.com", type: "work" }],
      displayName: "Isabell Ross",
      locale: "en-US",
      externalId: "00u1",
      password: "1mz050nq",
      active: true,
    });
  });

  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ["URN-qualified flat key", { [`${ENT}:employeeNumber`]: "42" }, { [ENT]: { employeeNumber: "42" } }],
    [
      "URN key in another case",
      { [ENT.toUpperCase().replace("URN", "urn")]: { Department: "R&D" } },
      { [ENT]: { department: "R&D" } },
    ],
    ["dotted key", { "name.givenName": "Barbara" }, { name: { givenName: "Barbara" } }],
    [
      "dotted key merges with object",
      { name: { familyName: "J" }, "name.givenName": "B" },
      { name: { familyName: "J", givenName: "B" } },
    ],
    ["URN + dotted", { [`${ENT}:manager.value`]: "m1" }, { [ENT]: { manager: { value: "m1" } } }],
    ["core URN object", { [USER_SCHEMA]: { title: "CEO" } }, { title: "CEO" }],
    ["unknown core attribute dropped", { favouriteColour: "blue" }, {}],
    ["unknown extension dropped", { "urn:example:custom:1.0:User": { x: 1 } }, {}],
    ["unknown sub-attribute dropped", { name: { givenName: "B", nick: "x" } }, { name: { givenName: "B" } }],
    ["null drops", { displayName: null, title: "" }, {}],
    ["empty extension object dropped", { [ENT]: { department: "" } }, {}],
    ["manager bare id", { [ENT]: { manager: "m1" } }, { [ENT]: { manager: { value: "m1" } } }],
    [
      "manager one-element list keeps $ref",
      { [ENT]: { manager: [{ value: "m1", $ref: "../Users/m1" }] } },
      { [ENT]: { manager: { value: "m1", $ref: "../Users/m1" } } },
    ],
    [
      "manager readOnly displayName dropped",
      { [ENT]: { manager: { value: "m1", displayName: "Boss" } } },
      { [ENT]: { manager: { value: "m1" } } },
    ],
    ["manager empty string clears", { [ENT]: { manager: "" } }, {}],
    ["manager {value: null} clears", { [ENT]: { manager: { value: null } } }, {}],
    ["single email wrapped", { emails: { value: "a@x" } }, { emails: [{ value: "a@x" }] }],
    ["Okta roles as plain strings", { roles: ["admin", "dev"] }, { roles: [{ value: "admin" }, { value: "dev" }] }],
    [
      "Okta empty type entries dropped",
      {
        phoneNumbers: [
          { type: "", primary: false },
          { type: "work", value: "555" },
        ],
      },
      { phoneNumbers: [{ type: "work", value: "555" }] },
    ],
    ["type '' removed from a kept entry", { emails: [{ type: "", value: "a@x" }] }, { emails: [{ value: "a@x" }] }],
    [
      "identical entries deduplicated",
      { emails: [{ value: "a@x" }, { value: "a@x" }] },
      { emails: [{ value: "a@x" }] },
    ],
    [
      "addresses kept without value",
      { addresses: [{ type: "work", locality: "Oslo" }] },
      { addresses: [{ type: "work", locality: "Oslo" }] },
    ],
    ["empty list drops", { emails: [] }, {}],
    [
      "unqualified extension attribute placed under its URN",
      { employeeNumber: "7" },
      { [ENT]: { employeeNumber: "7" } },
    ],
  ])("%s", (_name, body, expected) => {
    expect(user(body)).toEqual({ userName: "bjensen", ...expected });
  });

  test("Group: members kept, members[].display and $ref: null dropped, Microsoft's extra schema ignored", () => {
    const out = normalizeResource(groupResourceType, {
      schemas: [
        "urn:ietf:params:scim:schemas:core:2.0:Group",
        "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group",
      ],
      displayName: "Eng",
      members: [{ value: "u1", display: "Ann", $ref: null }],
    });
    expect(out).toEqual({ displayName: "Eng", members: [{ value: "u1" }] });
  });

  test("input is never mutated", () => {
    const body = { userName: "x", Emails: [{ Value: "a@x", Primary: "True" }] };
    const copy = structuredClone(body);
    normalizeResource(userResourceType, body);
    expect(body).toEqual(copy);
  });
});

describe("normalizeResource: coercion", () => {
  test.each<[string, unknown, unknown]>([
    ["active", "False", false],
    ["active", "TRUE", true],
    ["active", " true ", true],
    ["active", false, false],
    ["displayName", 42, "42"],
    ["displayName", true, "true"],
  ])("%s: %j -> %j", (attr, input, expected) => {
    expect(user({ [attr]: input })[attr]).toEqual(expected);
  });

  test("Entra's 'True' for primary inside a list", () => {
    expect(user({ emails: [{ value: "a@x", Primary: "True" }] }).emails).toEqual([{ value: "a@x", primary: true }]);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ["boolean", { active: "yes" }, "active"],
    ["string from object", { displayName: { a: 1 } }, "displayName"],
    ["complex from string without value sub-attribute", { name: "Barbara" }, "name"],
    ["single-valued from list", { displayName: ["a", "b"] }, "displayName"],
    ["nested sub-attribute", { emails: [{ value: "a@x", primary: "maybe" }] }, "emails.primary"],
    ["extension attribute", { [ENT]: { employeeNumber: { n: 1 } } }, `${ENT}:employeeNumber`],
    ["extension not an object", { [ENT]: "x" }, ENT],
    [
      "two primaries on POST/PUT",
      {
        emails: [
          { value: "a@x", primary: true },
          { value: "b@x", primary: true },
        ],
      },
      "emails",
    ],
    ["dotted key into a multi-valued attribute", { "emails.value": "a@x" }, "emails.value"],
  ])("400 invalidValue: %s", (_name, body, attr) => {
    const error = scimErrorOf(() => user(body));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe("invalidValue");
    expect(error.detail).toContain(attr);
  });

  test("multiplePrimary: keepLast demotes the earlier ones", () => {
    const out = user(
      {
        emails: [
          { value: "a@x", primary: true },
          { value: "b@x", primary: true },
        ],
      },
      { multiplePrimary: "keepLast" },
    );
    expect(out.emails).toEqual([
      { value: "a@x", primary: false },
      { value: "b@x", primary: true },
    ]);
  });

  test("coerceValue: numbers, dateTime, binary", () => {
    const int = {
      name: "n",
      type: "integer",
      multiValued: false,
      required: false,
      caseExact: false,
      mutability: "readWrite",
      returned: "default",
      uniqueness: "none",
    } as const;
    expect(coerceValue(int, "42", "n")).toBe(42);
    expect(coerceValue(int, 7, "n")).toBe(7);
    expect(() => coerceValue(int, "4.2", "n")).toThrow(/'n' must be an integer/);
    expect(() => coerceValue(int, 4.2, "n")).toThrow(ScimError);
    const dec = { ...int, type: "decimal" } as const;
    expect(coerceValue(dec, "4.25", "d")).toBe(4.25);
    expect(() => coerceValue(dec, "4,25", "d")).toThrow(/'d'/);
    const when = { ...int, type: "dateTime" } as const;
    expect(coerceValue(when, "2024-01-31T12:00:00Z", "when")).toBe("2024-01-31T12:00:00Z");
    expect(coerceValue(when, "2024-01-31T12:00:00.123+02:00", "when")).toBe("2024-01-31T12:00:00.123+02:00");
    expect(() => coerceValue(when, "04-12-2018 00:00:00", "when")).toThrow(/'when' must be an xsd:dateTime/);
    expect(() => coerceValue(when, "2024-13-45T99:00:00Z", "when")).toThrow(ScimError);
    const bin = { ...int, type: "binary" } as const;
    expect(() => coerceValue(bin, 5, "cert")).toThrow(/'cert'/);
  });
});

describe("normalizeResource: errors", () => {
  test.each<[string, unknown, string]>([
    ["array body", [], "invalidSyntax"],
    ["string body", "x", "invalidSyntax"],
    ["null body", null, "invalidSyntax"],
    ["missing userName", { displayName: "x" }, "invalidValue"],
    ["userName null", { userName: null }, "invalidValue"],
  ])("%s -> %s", (_name, body, scimType) => {
    const error = scimErrorOf(() => normalizeResource(userResourceType, body));
    expect([error.status, error.scimType]).toEqual([400, scimType]);
  });

  test("a deeply nested or huge value is a 400 with a short detail, never a stack overflow", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    let deepList: unknown = [];
    for (let i = 0; i < 100_000; i++) deepList = [deepList];
    for (const body of [
      { title: deep },
      { active: deep },
      { name: { givenName: deep } },
      { title: { big: "b".repeat(1_000_000) } },
      { active: [deepList] },
    ]) {
      const error = scimErrorOf(() => user(body));
      expect([error.status, error.scimType]).toEqual([400, "invalidValue"]);
      expect(error.detail.length).toBeLessThan(200);
    }
    const error = scimErrorOf(() => user({ title: deep }));
    expect(error.detail).toBe(
      `Attribute 'title' must be a string, got {"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"...`,
    );
  });

  test("required detail names the attribute", () => {
    expect(scimErrorOf(() => normalizeResource(groupResourceType, { members: [] })).detail).toContain("displayName");
  });

  test("strictExtensions rejects unknown URNs, naming them", () => {
    const error = scimErrorOf(() => user({ "urn:example:custom:1.0:User": { x: 1 } }, { strictExtensions: true }));
    expect([error.status, error.scimType]).toEqual([400, "invalidValue"]);
    expect(error.detail).toContain("urn:example:custom:1.0:User");
  });

  test("keepReadOnly keeps the service's id and meta verbatim", () => {
    const meta = { resourceType: "User", created: "2024-01-01T00:00:00Z" };
    expect(user({ id: "1", meta }, { keepReadOnly: true })).toEqual({ userName: "bjensen", id: "1", meta });
  });
});

describe("resolveKey", () => {
  test.each<[string, string]>([
    ["schemas", "schemas"],
    ["Schemas", "schemas"],
    [ENT, "schema"],
    [`${ENT}:manager`, "attribute"],
    ["urn:example:custom:User:x", "unknownExtension"],
    ["name.givenName.extra", "unknown"],
    ["nope", "unknown"],
  ])("%s -> %s", (key, kind) => {
    expect(resolveKey(userResourceType, key).kind).toBe(kind);
  });

  test("canonical attribute found case-insensitively", () => {
    const target = resolveKey(userResourceType, "EMAILS");
    expect(target.kind === "attribute" && target.located.attribute).toBe(
      findAttribute(userResourceType.schema.attributes, "emails"),
    );
  });
});
