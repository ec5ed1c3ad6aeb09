import { compileMapping } from "../../lib/mapping/compile";
import type { MappingPair } from "../../lib/mapping/types";
import { groupResourceType, userResourceType } from "../../lib/schema/core";
import { findAttribute } from "../../lib/schema/resolve";
import type { AttributeDef } from "../../lib/schema/types";
import { auth0Pairs, ENT, hostPairs, typeError } from "./mapping-fixtures";

const base: MappingPair[] = [{ scim: "userName", app: "login" }];
const users = (...pairs: MappingPair[]) => compileMapping(userResourceType, [...base, ...pairs]);

describe("compileMapping: start-up errors say what to change", () => {
  test.each<[string, unknown, string]>([
    ["not a list", { scim: "userName", app: "x" }, "must be an array"],
    ["a pair that is not an object", [...base, "userName"], "must be an object"],
    ["an unknown option (typo)", [...base, { scim: "active", app: "b", inverted: true }], 'unknown option "inverted"'],
    ["scim missing", [...base, { app: "x" }], '"scim" must be'],
    ["scim does not parse", [...base, { scim: "emails[type eq", app: "x" }], "is not a SCIM path"],
    ["scim names nothing", [...base, { scim: "shoeSize", app: "x" }], "names no attribute"],
    ["unknown sub-attribute", [...base, { scim: "name.nickName", app: "x" }], "names no attribute"],
    ["id", [...base, { scim: "id", app: "x" }], '"id" is kept by the server'],
    ["meta", [...base, { scim: "meta.created", app: "x" }], '"meta" is kept by the server'],
    ["groups", [...base, { scim: "groups", app: "x" }], '"groups" is kept by the server'],
    ["password", [...base, { scim: "password", app: "x" }], "never passed"],
    [
      "a selector on a single-valued attribute",
      [...base, { scim: 'name[givenName eq "x"].familyName', app: "x" }],
      "needs a multi-valued complex",
    ],
    ["a selector with co", [...base, { scim: 'emails[value co "@x"].value', app: "x" }], "only join"],
    [
      "a selector with or",
      [...base, { scim: 'emails[type eq "work" or primary eq true].value', app: "x" }],
      "only join",
    ],
    ["a selector with not", [...base, { scim: 'emails[not (type eq "work")].value', app: "x" }], "only join"],
    [
      "a selector on an unknown sub-attribute",
      [...base, { scim: 'emails[kind eq "work"].value', app: "x" }],
      'no sub-attribute "kind"',
    ],
    [
      "a selector naming one field twice",
      [...base, { scim: 'emails[type eq "work" and type eq "home"].value', app: "x" }],
      "twice",
    ],
    [
      "a selector value of the wrong type",
      [...base, { scim: 'emails[primary eq "yes"].value', app: "x" }],
      "selector value",
    ],
    ["a selector with null", [...base, { scim: "emails[type eq null].value", app: "x" }], "null"],
    [
      "mapping a field the selector fixes",
      [...base, { scim: 'emails[type eq "work"].type', app: "x" }],
      "fixed by the selector",
    ],
    [
      "a sub-attribute of a multi-valued attribute without a selector",
      [...base, { scim: "emails.value", app: "x" }],
      "emails[primary eq true].value",
    ],
    [
      "readOnly without direction toScim",
      [...base, { scim: `${ENT}:manager.displayName`, app: "x" }],
      'direction "toScim"',
    ],
    ["invert on a string", [...base, { scim: "title", app: "x", invert: true }], '"invert" only applies'],
    ["invert not a boolean", [...base, { scim: "active", app: "x", invert: "yes" }], '"invert" must be'],
    ["toApp not a function", [...base, { scim: "title", app: "x", toApp: "upper" }], '"toApp" must be a function'],
    ["bad direction", [...base, { scim: "title", app: "x", direction: "in" }], '"direction" must be'],
    ["empty app path", [...base, { scim: "title", app: "" }], "non-empty dotted path"],
    ["app path with an empty segment", [...base, { scim: "title", app: "profile..x" }], "invalid segment"],
    ["app path with spaces", [...base, { scim: "title", app: "job title" }], "invalid segment"],
    ["__proto__", [...base, { scim: "title", app: "__proto__.polluted" }], '"__proto__"'],
    ["constructor", [...base, { scim: "title", app: "profile.constructor" }], '"constructor"'],
    ["prototype", [...base, { scim: "title", app: "prototype" }], '"prototype"'],
    ["app root id", [...base, { scim: "title", app: "id" }], "beside the record"],
    ["app root meta", [...base, { scim: "title", app: "Meta.x" }], "beside the record"],
    ["two pairs writing one app path", [...base, { scim: "title", app: "login" }], "is also written by"],
    [
      "app paths inside one another",
      [...base, { scim: "title", app: "profile" }, { scim: "nickName", app: "profile.nick" }],
      "overlaps",
    ],
    ["one SCIM attribute twice", [...base, { scim: "title", app: "a" }, { scim: "Title", app: "b" }], "already mapped"],
    ["whole and part", [...base, { scim: "name", app: "a" }, { scim: "name.givenName", app: "b" }], "already mapped"],
    [
      "part then whole",
      [...base, { scim: "name.givenName", app: "b" }, { scim: "name", app: "a" }],
      "already mapped in part",
    ],
    [
      "whole element and its part",
      [...base, { scim: "emails[primary eq true]", app: "a" }, { scim: "emails[primary eq true].value", app: "b" }],
      "already mapped",
    ],
    [
      "one sub-attribute of one selector twice",
      [...base, { scim: 'emails[type eq "work"].value', app: "a" }, { scim: 'emails[type eq "Work"].value', app: "b" }],
      "already mapped",
    ],
    [
      "selectors that can pick one element",
      [
        ...base,
        { scim: "emails[primary eq true].value", app: "a" },
        { scim: 'emails[type eq "work"].value', app: "b" },
      ],
      "make them exclusive",
    ],
  ])("%s", (_name, pairs, message) => {
    expect(typeError(() => compileMapping(userResourceType, pairs as MappingPair[]))).toContain(message);
  });

  test("userName (users) and displayName (groups) must be mapped both ways", () => {
    expect(typeError(() => compileMapping(userResourceType, [{ scim: "title", app: "t" }]))).toContain(
      'must map "userName"',
    );
    expect(
      typeError(() => compileMapping(userResourceType, [{ scim: "userName", app: "u", direction: "toScim" }])),
    ).toContain('"userName" both ways');
    expect(typeError(() => compileMapping(groupResourceType, [{ scim: "externalId", app: "e" }]))).toContain(
      'must map "displayName"',
    );
    expect(
      typeError(() =>
        compileMapping(groupResourceType, [
          { scim: "displayName", app: "n" },
          { scim: "members", app: "m" },
        ]),
      ),
    ).toContain('"members" is kept by the server');
  });

  test("messages name the resource type and the pair's position", () => {
    expect(typeError(() => users({ scim: "title", app: "x y" }))).toMatch(/^User mapping #2 \(scim "title"\): /);
  });

  test("valid mappings compile; selectors that differ on a field are exclusive", () => {
    expect(() => compileMapping(userResourceType, hostPairs)).not.toThrow();
    expect(() => compileMapping(userResourceType, auth0Pairs)).not.toThrow();
    expect(() =>
      users(
        { scim: 'phoneNumbers[type eq "work"].value', app: "a" },
        { scim: 'phoneNumbers[type eq "mobile"].value', app: "b" },
        { scim: 'phoneNumbers[type eq "fax" and primary eq true].value', app: "c" },
        { scim: "emails[primary eq true].value", app: "d" },
        { scim: 'emails[primary eq false and type eq "home"].value', app: "e" },
        { scim: `${ENT}:manager.displayName`, app: "f", direction: "toScim" },
        { scim: "roles", app: "g" },
      ),
    ).not.toThrow();
  });

  test("the caller's pairs are not kept: changing them later changes nothing", () => {
    const pairs: MappingPair[] = [{ scim: "userName", app: "login" }];
    const mapping = compileMapping(userResourceType, pairs);
    pairs[0]!.app = "other"; // the pair declared just above
    expect(mapping.toRecord({ userName: "u" })).toEqual({ login: "u" });
  });
});

describe("schemas(): discovery shows what is mapped", () => {
  const names = (attrs: AttributeDef[] | undefined) => (attrs ?? []).map((a) => a.name);

  test("identity: the resource type's schemas, unchanged", () => {
    const shown = compileMapping(userResourceType, undefined).schemas(userResourceType);
    expect(shown.schema).toBe(userResourceType.schema);
  });

  test("the host mapping: mapped attributes only, sub-attributes mapped or selected on, groups kept", () => {
    const shown = compileMapping(userResourceType, hostPairs).schemas(userResourceType);
    expect(names(shown.schema.attributes)).toEqual([
      "userName",
      "name",
      "displayName",
      "title",
      "preferredLanguage",
      "locale",
      "active",
      "emails",
      "phoneNumbers",
      "addresses",
      "groups",
    ]);
    const attr = (name: string) => findAttribute(shown.schema.attributes, name)!;
    expect(names(attr("name").subAttributes)).toEqual(["formatted", "familyName", "givenName"]);
    expect(names(attr("emails").subAttributes)).toEqual(["value", "type", "primary"]);
    expect(names(attr("phoneNumbers").subAttributes)).toEqual(["value", "type"]);
    // A whole element shows every sub-attribute.
    expect(attr("addresses").subAttributes).toEqual(
      findAttribute(userResourceType.schema.attributes, "addresses")!.subAttributes,
    );
    // Definitions are otherwise the schema's own.
    expect(attr("userName")).toBe(findAttribute(userResourceType.schema.attributes, "userName"));
    expect(shown.extensions).toHaveLength(1);
    const [enterprise] = shown.extensions;
    expect(names(enterprise?.schema.attributes)).toEqual(["employeeNumber", "department", "manager"]);
    expect(names(findAttribute(enterprise?.schema.attributes, "manager")?.subAttributes)).toEqual(["value"]);
  });

  test("an extension with nothing mapped is not shown; directions show as mutability", () => {
    const shown = users(
      { scim: "displayName", app: "d", direction: "toScim" },
      { scim: "nickName", app: "n", direction: "toApp" },
    ).schemas(userResourceType);
    expect(shown.extensions).toEqual([]);
    const attr = (name: string) => findAttribute(shown.schema.attributes, name)!;
    expect(attr("displayName").mutability).toBe("readOnly");
    expect(attr("nickName")).toMatchObject({ mutability: "writeOnly", returned: "never" });
    expect(attr("userName").mutability).toBe("readWrite");
  });

  test("groups keep members", () => {
    const shown = compileMapping(groupResourceType, [{ scim: "displayName", app: "name" }]).schemas(groupResourceType);
    expect(names(shown.schema.attributes)).toEqual(["displayName", "members"]);
  });
});
