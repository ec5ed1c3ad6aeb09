import {
  parseFilter,
  resolveAttrPath,
  resolveFilter,
  resolveValueFilter,
  type ResolvedFilter,
} from "../../lib/protocol/filter";
import { groupResourceType, userResourceType } from "../../lib/schema/core";
import { locateAttribute } from "../../lib/schema/resolve";
import { scimErrorOf } from "./scim-error";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const user = (text: string) => resolveFilter(userResourceType, parseFilter(text));
const group = (text: string) => resolveFilter(groupResourceType, parseFilter(text));

const str = (path: string[], multiValued = false, caseExact = false) => ({
  path,
  type: "string" as const,
  caseExact,
  multiValued,
});

describe("paths resolve to canonical record keys", () => {
  test.each([
    ['userName eq "x"', str(["userName"])],
    ['USERNAME eq "x"', str(["userName"])],
    ['DisplayName eq "x"', str(["displayName"])],
    ['name.FamilyName eq "x"', str(["name", "familyName"])],
    ['emails.value eq "x"', str(["emails", "value"], true)],
    ['emails eq "x"', str(["emails", "value"], true)],
    ['id eq "x"', str(["id"], false, true)],
    ['externalId eq "x"', str(["externalId"], false, true)],
    ['meta.resourceType eq "User"', str(["meta", "resourceType"], false, true)],
    ['meta.version eq "W/\\"1\\""', str(["meta", "version"], false, true)],
    [`${ENT}:employeeNumber eq "x"`, str([ENT, "employeeNumber"])],
    [`${ENT.toUpperCase().replace("URN", "urn")}:EMPLOYEENUMBER eq "x"`, str([ENT, "employeeNumber"])],
    ['employeeNumber eq "x"', str([ENT, "employeeNumber"])],
    [`${ENT}:manager.value eq "x"`, str([ENT, "manager", "value"])],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"', str(["userName"])],
  ])("%s", (text, attrPath) => {
    expect(user(text)).toMatchObject({ attrPath });
  });

  test("dateTime paths and literals", () => {
    expect(user('meta.lastModified gt "2026-01-01T00:00:00Z"')).toEqual({
      op: "gt",
      attrPath: { path: ["meta", "lastModified"], type: "dateTime", caseExact: false, multiValued: false },
      compValue: "2026-01-01T00:00:00.000Z",
    });
    expect(user('meta.created ge "2026-01-01T02:00:00+02:00"')).toMatchObject({
      compValue: "2026-01-01T00:00:00.000Z",
    });
  });

  test("$ref in members", () => {
    expect(group('members.$ref eq "x"')).toMatchObject({ attrPath: { path: ["members", "$ref"], type: "reference" } });
  });

  test("pr on complex attributes and on a whole extension", () => {
    expect(user("name pr")).toEqual({
      op: "pr",
      attrPath: { path: ["name"], type: "complex", caseExact: false, multiValued: false },
    });
    expect(user("emails pr")).toMatchObject({ attrPath: { path: ["emails"], multiValued: true } });
    expect(user(`${ENT} pr`)).toEqual({
      op: "pr",
      attrPath: { path: [ENT], type: "complex", caseExact: false, multiValued: false },
    });
  });

  test("resolveAttrPath", () => {
    expect(resolveAttrPath(userResourceType, { name: "meta", subAttr: "LASTMODIFIED" })).toEqual({
      path: ["meta", "lastModified"],
      type: "dateTime",
      caseExact: false,
      multiValued: false,
    });
  });
});

describe("value paths", () => {
  test("inner paths are relative to one element", () => {
    expect(user('emails[TYPE eq "work" and value co "@x.com"]')).toEqual({
      op: "valuePath",
      attrPath: { path: ["emails"], type: "complex", caseExact: false, multiValued: true },
      filter: {
        op: "and",
        filters: [
          { op: "eq", attrPath: str(["type"]), compValue: "work" },
          { op: "co", attrPath: str(["value"]), compValue: "@x.com" },
        ],
      },
    });
  });
  test('Entra\'s roles[primary eq "True"] coerces to a boolean', () => {
    expect(user('roles[primary eq "True"]')).toMatchObject({
      filter: { op: "eq", attrPath: { path: ["primary"], type: "boolean" }, compValue: true },
    });
  });
  test("extension complex attribute", () => {
    expect(user(`${ENT}:manager[value eq "x"]`)).toMatchObject({ attrPath: { path: [ENT, "manager"] } });
  });
  test.each([
    ['emails[foo eq "x"]', /foo/],
    ['emails[name.givenName eq "x"]', /name\.givenName/],
    ['userName[value eq "x"]', /not a complex/],
    ['nope[value eq "x"]', /nope/],
  ])("%s is invalidFilter", (text, detail) => {
    const err = scimErrorOf(() => user(text));
    expect(err.scimType).toBe("invalidFilter");
    expect(err.detail).toMatch(detail);
  });
});

describe("resolveValueFilter (PATCH)", () => {
  test("members[value eq ...]", () => {
    const parent = locateAttribute(groupResourceType, { name: "members" })!;
    expect(resolveValueFilter(groupResourceType, parent, parseFilter('value eq "2819c223"'))).toEqual({
      op: "eq",
      attrPath: str(["value"]),
      compValue: "2819c223",
    });
  });
  test('emails[type eq work and primary eq "true"]', () => {
    const parent = locateAttribute(userResourceType, { name: "EMAILS" })!;
    expect(
      resolveValueFilter(userResourceType, parent, parseFilter('type eq "work" and primary eq "true"')),
    ).toMatchObject({
      op: "and",
      filters: [
        { attrPath: { path: ["type"] } },
        { attrPath: { path: ["primary"], type: "boolean" }, compValue: true },
      ],
    });
  });
  test("errors", () => {
    const emails = locateAttribute(userResourceType, { name: "emails" })!;
    const userName = locateAttribute(userResourceType, { name: "userName" })!;
    expect(scimErrorOf(() => resolveValueFilter(userResourceType, emails, parseFilter('nope eq "x"'))).scimType).toBe(
      "invalidFilter",
    );
    expect(
      scimErrorOf(() => resolveValueFilter(userResourceType, userName, parseFilter('value eq "x"'))).scimType,
    ).toBe("invalidFilter");
  });
});

describe("literal coercion", () => {
  test.each([
    ["active eq true", true],
    ['active eq "True"', true],
    ['active eq "FALSE"', false],
    ["externalId eq jyoung", "jyoung"],
    ["externalId eq 12345", "12345"],
    ["externalId eq true", "true"],
    ["userName eq 1.5", "1.5"],
    ['meta.lastModified eq "2026-03-01"', "2026-03-01T00:00:00.000Z"],
    ['meta.lastModified eq "2026-03-01T10:20:30.5Z"', "2026-03-01T10:20:30.500Z"],
    ['meta.lastModified eq "2026-03-01T10:20:30"', "2026-03-01T10:20:30.000Z"],
  ] as [string, string | boolean][])("%s", (text, compValue) => {
    expect(user(text)).toMatchObject({ compValue });
  });

  test.each([
    'active eq "yes"',
    "active eq 1",
    'meta.lastModified gt "yesterday"',
    'meta.lastModified gt "04-12-2018 00:00:00"',
    'meta.lastModified gt "2026-02-30T00:00:00Z"',
    'meta.lastModified gt "2026-01-01T25:00:00Z"',
    "meta.lastModified gt 12",
  ])("%s is invalidFilter", (text) => {
    expect(scimErrorOf(() => user(text)).scimType).toBe("invalidFilter");
  });
});

describe("eq null / ne null become presence tests", () => {
  test("eq null -> not pr", () => {
    expect(user("title eq null")).toEqual({ op: "not", filter: { op: "pr", attrPath: str(["title"]) } });
  });
  test("ne null -> pr", () => {
    expect(user("title ne null")).toEqual({ op: "pr", attrPath: str(["title"]) });
  });
  test("gt null is invalid", () => {
    expect(scimErrorOf(() => user("title gt null")).scimType).toBe("invalidFilter");
  });
});

describe("operator / type combinations", () => {
  test.each([
    "active gt true",
    'active co "t"',
    'name gt "x"',
    'name eq "x"',
    'meta eq "x"',
    `${ENT}:manager eq "x"`,
    'x509Certificates.value gt "x"',
    'meta.lastModified co "2026"',
    `${ENT} eq "x"`,
  ])("%s is invalidFilter", (text) => {
    const err = scimErrorOf(() => user(text));
    expect(err.status).toBe(400);
    expect(err.scimType).toBe("invalidFilter");
  });

  test.each([
    'userName gt "a"',
    'meta.lastModified le "2026-01-01T00:00:00Z"',
    'x509Certificates.value eq "x"',
    "active ne false",
  ])("%s is accepted", (text) => {
    expect(() => user(text)).not.toThrow();
  });
});

describe("unknown attributes", () => {
  test.each([
    'nope eq "x"',
    'name.nope eq "x"',
    'urn:example:Other:thing eq "x"',
    `${ENT}:userName eq "x"`,
    "members pr",
  ])("%s names the attribute", (text) => {
    const err = scimErrorOf(() => user(text));
    expect(err.scimType).toBe("invalidFilter");
    expect(err.detail).toMatch(/Unknown attribute/);
  });
});

describe("schemas (RFC 7644 3.4.2.2 example)", () => {
  const idPr: ResolvedFilter = { op: "pr", attrPath: str(["id"], false, true) };
  test("core schema is always listed", () => {
    expect(user('schemas eq "urn:ietf:params:scim:schemas:core:2.0:User"')).toEqual(idPr);
    expect(user("schemas pr")).toEqual(idPr);
  });
  test("an extension is listed when its object is present", () => {
    expect(user(`schemas eq "${ENT}"`)).toMatchObject({ op: "pr", attrPath: { path: [ENT] } });
    expect(user(`schemas ne "${ENT}"`)).toMatchObject({ op: "not", filter: { op: "pr", attrPath: { path: [ENT] } } });
  });
  test("other URIs never are", () => {
    expect(user('schemas eq "urn:example:nothing"')).toEqual({ op: "not", filter: idPr });
  });
  test("substring tests are refused", () => {
    expect(scimErrorOf(() => user('schemas co "enterprise"')).scimType).toBe("invalidFilter");
  });
});
