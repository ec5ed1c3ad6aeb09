import { evaluate, parseFilter, resolveFilter, type ResolvedFilter } from "../../lib/protocol/filter";
import { groupResourceType, userResourceType } from "../../lib/schema/core";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const bjensen = {
  id: "2819c223-7f76-453a-919d-413861904646",
  externalId: "bjensen",
  meta: {
    resourceType: "User",
    created: new Date("2026-01-01T00:00:00Z"),
    lastModified: "2026-03-01T12:00:00.500Z",
    version: 'W/"3"',
  },
  userName: "bjensen@example.com",
  name: { familyName: "Jensen", givenName: "Barbara", middleName: "" },
  displayName: "Babs Jensen",
  title: "Tour Guide",
  userType: "Employee",
  active: true,
  emails: [
    { value: "bjensen@example.com", type: "work", primary: true },
    { value: "babs@jensen.org", type: "home" },
  ],
  roles: [{ value: "admin", primary: "True" }],
  [ENT]: { employeeNumber: "701984", manager: { value: "26118915" } },
};

const okta = {
  id: "b",
  meta: {
    resourceType: "User",
    created: "2026-02-01T00:00:00Z",
    lastModified: new Date("2026-02-01T00:00:00Z"),
    version: "1",
  },
  userName: "Test.User@okta.local",
  active: "False",
  title: null,
  nickName: "",
  emails: [],
  phoneNumbers: [{ value: "" }],
  roles: ["admin", "viewer"],
  name: {},
};

const userMatches = (text: string, target: unknown) =>
  evaluate(resolveFilter(userResourceType, parseFilter(text)), target);

describe("string comparisons", () => {
  test.each([
    ['userName eq "bjensen@example.com"', true],
    ['userName eq "BJENSEN@EXAMPLE.COM"', true], // RFC 7643 2.2: caseExact false
    ['USERNAME EQ "BJensen@Example.com"', true],
    ['userName ne "bjensen@example.com"', false],
    ['userName ne "other"', true],
    ['userName co "JENSEN@"', true],
    ['userName sw "BJ"', true],
    ['userName ew ".COM"', true],
    ['userName ew "example"', false],
    ['userName gt "bjensen@example.co"', true],
    ['userName gt "BJENSEN@EXAMPLE.COM"', false],
    ['userName ge "BJENSEN@EXAMPLE.COM"', true],
    ['userName lt "c"', true],
    ['userName le "a"', false],
    ['name.familyName co "ens"', true],
    ['displayName eq "babs jensen"', true],
    ['title eq "tour guide"', true],
  ] as [string, boolean][])("%s -> %s", (text, expected) => {
    expect(userMatches(text, bjensen)).toBe(expected);
  });

  test("caseExact attributes compare exactly", () => {
    expect(userMatches('id eq "2819c223-7f76-453a-919d-413861904646"', bjensen)).toBe(true);
    expect(userMatches('id eq "2819C223-7F76-453A-919D-413861904646"', bjensen)).toBe(false);
    expect(userMatches('externalId eq "BJENSEN"', bjensen)).toBe(false);
    expect(userMatches("externalId eq bjensen", bjensen)).toBe(true);
    expect(userMatches('meta.resourceType eq "user"', bjensen)).toBe(false);
    expect(userMatches('meta.version eq "W/\\"3\\""', bjensen)).toBe(true);
  });

  test("Okta's case-insensitive userName lookup", () => {
    expect(userMatches('userName eq "test.user@okta.local"', okta)).toBe(true);
  });

  test("case folding beyond ASCII", () => {
    expect(userMatches('displayName eq "ÉLODIE"', { displayName: "élodie" })).toBe(true);
  });
});

describe("multi-valued attributes and value paths", () => {
  test.each([
    ['emails.value eq "babs@jensen.org"', true],
    ['emails eq "babs@jensen.org"', true], // shorthand for emails.value
    ['emails co "@jensen"', true],
    ['emails.type eq "home"', true],
    ['emails[type eq "work" and value co "@example.com"]', true],
    ['emails[type eq "work" and value co "@jensen.org"]', false], // never mixes two emails
    ['emails[type eq "home"].value eq "babs@jensen.org"', true], // Entra
    ['emails[type eq "work"].value eq "babs@jensen.org"', false],
    ['emails[type eq "work"].value pr', true],
    ["emails[primary eq true]", true],
    ['emails[not (type eq "work")]', true],
    ['emails[type eq "other"]', false],
    ['roles[primary eq "True"]', true],
    ["roles[primary eq true].value pr", true],
    ['emails.value ne "babs@jensen.org"', false], // ne is "no value equals"
    ['emails.value ne "nobody@x"', true],
  ] as [string, boolean][])("%s -> %s", (text, expected) => {
    expect(userMatches(text, bjensen)).toBe(expected);
  });

  test("plain-string elements (Okta roles) read as { value }", () => {
    expect(userMatches('roles eq "admin"', okta)).toBe(true);
    expect(userMatches('roles[value eq "VIEWER"]', okta)).toBe(true);
    expect(userMatches('roles[value eq "owner"]', okta)).toBe(false);
  });

  test("groups: members[value eq ...]", () => {
    const f = resolveFilter(groupResourceType, parseFilter('members[value eq "u1"] and displayName eq "admins"'));
    expect(evaluate(f, { displayName: "Admins", members: [{ value: "u2" }, { value: "u1" }] })).toBe(true);
    expect(evaluate(f, { displayName: "Admins", members: [{ value: "U1" }] })).toBe(true); // value is not caseExact
    expect(evaluate(f, { displayName: "Admins" })).toBe(false);
  });
});

describe("presence", () => {
  test.each([
    ["title pr", bjensen, true],
    ["title pr", okta, false], // null
    ["nickName pr", okta, false], // ""
    ["emails pr", okta, false], // []
    ["name pr", okta, false], // {}
    ["phoneNumbers pr", okta, false], // only empty values
    ["name.middleName pr", bjensen, false],
    ["name pr", bjensen, true],
    ["emails pr", bjensen, true],
    [`${ENT} pr`, bjensen, true],
    [`${ENT} pr`, okta, false],
    ['schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"', bjensen, true],
    ['schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"', okta, false],
    ["active pr", okta, true],
    ["externalId pr", okta, false],
  ] as [string, unknown, boolean][])("%s", (text, target, expected) => {
    expect(userMatches(text, target)).toBe(expected);
  });
});

describe("missing attributes and null", () => {
  test.each([
    ['externalId eq "x"', false],
    ['externalId ne "x"', true], // ne on a missing attribute is true
    ['externalId co "x"', false],
    ['externalId gt "a"', false],
    ["externalId eq null", true],
    ["externalId ne null", false],
    ["title eq null", true],
    ['not (externalId eq "x")', true],
  ] as [string, boolean][])("%s -> %s", (text, expected) => {
    expect(userMatches(text, okta)).toBe(expected);
  });

  test("hand-built eq null trees (not rewritten by resolveFilter) behave the same", () => {
    const attrPath = { path: ["title"], type: "string" as const, caseExact: false, multiValued: false };
    const eqNull: ResolvedFilter = { op: "eq", attrPath, compValue: null };
    const neNull: ResolvedFilter = { op: "ne", attrPath, compValue: null };
    expect(evaluate(eqNull, okta)).toBe(true);
    expect(evaluate(neNull, okta)).toBe(false);
    expect(evaluate(eqNull, bjensen)).toBe(false);
    expect(evaluate(neNull, bjensen)).toBe(true);
  });
});

describe("booleans", () => {
  test.each([
    ["active eq true", bjensen, true],
    ['active eq "TRUE"', bjensen, true],
    ["active eq false", bjensen, false],
    ["active ne true", bjensen, false],
    ["active eq false", okta, true], // Entra stores "False"
    ['active eq "false"', okta, true],
    ["emails[primary eq false]", bjensen, false], // missing primary is not false
  ] as [string, unknown, boolean][])("%s", (text, target, expected) => {
    expect(userMatches(text, target)).toBe(expected);
  });
});

describe("dateTime compares instants", () => {
  test.each([
    ['meta.lastModified gt "2026-03-01T12:00:00Z"', bjensen, true], // .500Z is later; text order would say otherwise
    ['meta.lastModified eq "2026-03-01T14:00:00.5+02:00"', bjensen, true],
    ['meta.lastModified lt "2026-03-01T12:00:00.501Z"', bjensen, true],
    ['meta.created eq "2026-01-01T00:00:00Z"', bjensen, true], // Date object in the record
    ['meta.created ge "2026-01-01"', bjensen, true],
    ['meta.created gt "2026-01-01"', bjensen, false],
    ['meta.lastModified ge "2026-02-01T00:00:00Z"', okta, true],
    ['meta.lastModified gt "2026-02-01T00:00:00Z"', okta, false],
    ['meta.created le "2026-02-01T01:00:00+01:00"', okta, true],
  ] as [string, unknown, boolean][])("%s", (text, target, expected) => {
    expect(userMatches(text, target)).toBe(expected);
  });

  test("unparseable stored dates never match", () => {
    const junk = { meta: { created: "04-12-2018 00:00:00" } };
    expect(userMatches('meta.created lt "2100-01-01T00:00:00Z"', junk)).toBe(false);
    expect(userMatches('meta.created gt "1900-01-01T00:00:00Z"', junk)).toBe(false);
  });
});

describe("logic", () => {
  test.each([
    ['title pr and userType eq "Employee"', true],
    ['title pr and userType eq "Intern"', false],
    ['title pr or userType eq "Intern"', true],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', true],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', false],
    ['not (userType eq "Employee")', false],
    ['userName eq "x" or (title pr and not (active eq false))', true],
  ] as [string, boolean][])("%s -> %s", (text, expected) => {
    expect(userMatches(text, bjensen)).toBe(expected);
  });
});

describe("extension attributes and odd records", () => {
  test("extension attributes live under the schema URN key", () => {
    expect(userMatches('employeeNumber eq "701984"', bjensen)).toBe(true);
    expect(userMatches(`${ENT}:manager.value eq "26118915"`, bjensen)).toBe(true);
  });
  test("record keys in another case are found", () => {
    expect(userMatches('displayName eq "x"', { DisplayName: "X" })).toBe(true);
  });
  test("inherited properties are never reached", () => {
    expect(userMatches("displayName pr", Object.create({ displayName: "x" }))).toBe(false);
  });
  test.each([null, undefined, 42, "text", [], [bjensen]])("target %p does not throw", (target) => {
    expect(() => userMatches('userName eq "bjensen@example.com" or emails[type eq "work"]', target)).not.toThrow();
  });
  test("numbers stored for string attributes compare as text", () => {
    expect(userMatches("externalId eq 12345", { externalId: 12345 })).toBe(true);
  });
});
