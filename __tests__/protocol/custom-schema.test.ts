import { compileMapping } from "../../lib/mapping/compile";
import { evaluate, parseFilter, resolveFilter, resolveSort } from "../../lib/protocol/filter";
import { groupResourceType, userResourceType } from "../../lib/schema/core";
import {
  declareSchema,
  withExtensions,
  type AttributeDeclaration,
  type SchemaDeclaration,
} from "../../lib/schema/custom";
import { normalizeResource } from "../../lib/schema/normalize";
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from "../../lib/schema/urns";
import { typeError } from "./mapping-fixtures";
import { scimErrorOf } from "./scim-error";

const ACME = "urn:example:params:scim:schemas:extension:acme:2.0:User";

const acme = declareSchema({
  id: ACME,
  description: "Acme's own user attributes",
  attributes: [
    { name: "badgeNumber", type: "integer", uniqueness: "server" },
    { name: "costCode", type: "string", caseExact: true, canonicalValues: ["R&D", "OPS"] },
    { name: "contractor", type: "boolean" },
    { name: "startDate", type: "dateTime" },
    { name: "tags", type: "string", multiValued: true },
    {
      name: "clearance",
      type: "complex",
      subAttributes: [
        { name: "level", type: "integer" },
        { name: "grantedBy", type: "string" },
      ],
    },
    { name: "homepage", type: "reference", referenceTypes: ["external"] },
    { name: "auditId", type: "string", mutability: "readOnly", returned: "always" },
  ],
});

describe("declareSchema", () => {
  test("RFC 7643 2.2 defaults fill what was not said; name defaults to the URN's last segment", () => {
    expect(acme.name).toBe("User");
    expect(acme.attributes[0]).toEqual({
      name: "badgeNumber",
      type: "integer",
      multiValued: false,
      required: false,
      caseExact: false,
      mutability: "readWrite",
      returned: "default",
      uniqueness: "server",
    });
    expect(acme.attributes[5]?.subAttributes?.[0]).toMatchObject({
      name: "level",
      type: "integer",
      mutability: "readWrite",
    });
    expect(acme.attributes[7]).toMatchObject({ mutability: "readOnly", returned: "always" });
  });

  test("the declaration is copied, not kept", () => {
    const attributes: AttributeDeclaration[] = [{ name: "x", type: "string", canonicalValues: ["a"] }];
    const schema = declareSchema({ id: "urn:example:x", attributes });
    attributes[0]!.canonicalValues!.push("b"); // the declaration just above
    attributes.push({ name: "y", type: "string" });
    expect(schema.attributes).toHaveLength(1);
    expect(schema.attributes[0]?.canonicalValues).toEqual(["a"]);
  });

  const attr = (a: Record<string, unknown>) => ({
    id: "urn:example:x",
    attributes: [{ name: "x", type: "string", ...a }],
  });

  test.each<[string, unknown, string]>([
    ["not an object", null, "needs { id, attributes }"],
    ["id not a URN", { id: "acme", attributes: [{ name: "x", type: "string" }] }, "must be a URN"],
    ["id with spaces", { id: "urn:acme user", attributes: [{ name: "x", type: "string" }] }, "must be a URN"],
    ["a core schema id", { id: USER_SCHEMA, attributes: [{ name: "x", type: "string" }] }, "standard schemas"],
    [
      "the enterprise id in another case",
      { id: ENTERPRISE_USER_SCHEMA.toUpperCase(), attributes: [{ name: "x", type: "string" }] },
      "standard schemas",
    ],
    ["no attributes", { id: "urn:example:x", attributes: [] }, "non-empty list"],
    ["name with a colon", attr({ name: "a:b" }), "must start with a letter"],
    ["name with a dot", attr({ name: "a.b" }), "must start with a letter"],
    ["name starting with a digit", attr({ name: "1a" }), "must start with a letter"],
    [
      "duplicate names, ignoring case",
      {
        id: "urn:example:x",
        attributes: [
          { name: "costCenter", type: "string" },
          { name: "CostCenter", type: "string" },
        ],
      },
      "declared twice",
    ],
    [
      "duplicate sub-attributes",
      attr({
        type: "complex",
        subAttributes: [
          { name: "a", type: "string" },
          { name: "A", type: "string" },
        ],
      }),
      "declared twice",
    ],
    ["no type", { id: "urn:example:x", attributes: [{ name: "x" }] }, '"type" is required'],
    ["bad type", attr({ type: "text" }), '"type" must be one of'],
    ["bad mutability", attr({ mutability: "readonly" }), '"mutability" must be one of'],
    ["bad returned", attr({ returned: "sometimes" }), '"returned" must be one of'],
    ["bad uniqueness", attr({ uniqueness: "tenant" }), '"uniqueness" must be one of'],
    ["multiValued not a boolean", attr({ multiValued: "yes" }), '"multiValued" must be true or false'],
    ["canonicalValues not strings", attr({ canonicalValues: [1] }), "list of strings"],
    ["referenceTypes on a string", attr({ referenceTypes: ["User"] }), "only applies to reference"],
    ["complex without subAttributes", attr({ type: "complex" }), 'needs "subAttributes"'],
    [
      "nested complex",
      attr({
        type: "complex",
        subAttributes: [{ name: "inner", type: "complex", subAttributes: [{ name: "z", type: "string" }] }],
      }),
      "cannot be complex",
    ],
    ["subAttributes on a string", attr({ subAttributes: [{ name: "z", type: "string" }] }), "only complex attributes"],
    ["an unknown option", attr({ requried: true }), 'unknown option "requried"'],
  ])("%s is a TypeError", (_name, decl, message) => {
    expect(typeError(() => declareSchema(decl as SchemaDeclaration))).toContain(message);
  });
});

describe("withExtensions", () => {
  const users = withExtensions(userResourceType, [acme]);

  test("a new resource type; the core constants are untouched", () => {
    expect(users).not.toBe(userResourceType);
    expect(users.extensions.map((e) => e.schema.id)).toEqual([ENTERPRISE_USER_SCHEMA, ACME]);
    expect(userResourceType.extensions).toHaveLength(1);
    expect(users.schema).toBe(userResourceType.schema);
  });

  test("required extensions, new or existing", () => {
    const strict = withExtensions(userResourceType, [acme], [ACME, ENTERPRISE_USER_SCHEMA]);
    expect(strict.extensions.every((e) => e.required)).toBe(true);
    expect(userResourceType.extensions[0]?.required).toBe(false);
    expect(
      scimErrorOf(() => normalizeResource(strict, { userName: "u", [ENTERPRISE_USER_SCHEMA]: { department: "x" } }))
        .detail,
    ).toContain(ACME);
  });

  test.each<[string, () => unknown, string]>([
    ["the same extension twice", () => withExtensions(users, [acme]), "already has schema"],
    [
      "the core schema as an extension",
      () => withExtensions(groupResourceType, [{ ...acme, id: GROUP_SCHEMA }]),
      "already has schema",
    ],
    [
      "requiring an unknown extension",
      () => withExtensions(userResourceType, [acme], ["urn:example:nope"]),
      'no extension "urn:example:nope"',
    ],
    [
      "a declaration instead of a schema",
      () => withExtensions(userResourceType, [{ id: ACME } as never]),
      "declareSchema()",
    ],
  ])("%s is a TypeError", (_name, fn, message) => {
    expect(typeError(fn)).toContain(message);
  });

  test("normalizeResource places, coerces and names custom attributes", () => {
    const out = normalizeResource(users, {
      schemas: [USER_SCHEMA, ACME],
      userName: "u",
      [ACME]: {
        BadgeNumber: "42",
        costCode: "R&D",
        contractor: "False",
        tags: "solo",
        clearance: { Level: 3 },
        auditId: "client-sent",
      },
      [`${ACME}:homepage`]: "https://example.com/u",
    });
    expect(out[ACME]).toEqual({
      badgeNumber: 42,
      costCode: "R&D",
      contractor: false,
      tags: ["solo"],
      clearance: { level: 3 },
      homepage: "https://example.com/u",
    });
    const error = scimErrorOf(() => normalizeResource(users, { userName: "u", [ACME]: { badgeNumber: "forty" } }));
    expect(error.scimType).toBe("invalidValue");
    expect(error.detail).toContain(`${ACME}:badgeNumber`);
  });

  test("resolveFilter and evaluate: custom attributes by URN or plain name, typed literals", () => {
    const record = normalizeResource(users, {
      userName: "u",
      [ACME]: {
        badgeNumber: 42,
        costCode: "R&D",
        contractor: true,
        startDate: "2024-01-31T12:00:00Z",
        tags: ["a", "b"],
        clearance: { level: 3 },
      },
    });
    const matches = (text: string) => evaluate(resolveFilter(users, parseFilter(text)), record);
    expect(matches(`${ACME}:badgeNumber gt 40`)).toBe(true);
    expect(matches('badgeNumber eq "42"')).toBe(true);
    expect(matches(`${ACME}:costCode eq "r&d"`)).toBe(false); // caseExact
    expect(matches("contractor eq true")).toBe(true);
    expect(matches(`${ACME}:startDate lt "2025-01-01"`)).toBe(true);
    expect(matches('tags eq "b"')).toBe(true);
    expect(matches(`${ACME}:clearance.level ge 3`)).toBe(true);
    expect(matches(`${ACME} pr`)).toBe(true);
    expect(matches(`schemas eq "${ACME}"`)).toBe(true);
    expect(scimErrorOf(() => resolveFilter(users, parseFilter("contractor gt true"))).scimType).toBe("invalidFilter");
    expect(scimErrorOf(() => resolveFilter(users, parseFilter(`${ACME}:shoeSize eq 1`))).scimType).toBe(
      "invalidFilter",
    );
    expect(resolveSort(users, `${ACME}:badgeNumber`, undefined)?.path).toEqual([ACME, "badgeNumber"]);
  });

  test("a mapping onto custom attributes: records, filters, discovery", () => {
    const mapping = compileMapping(users, [
      { scim: "userName", app: "login" },
      { scim: `${ACME}:badgeNumber`, app: "badge" },
      { scim: `${ACME}:clearance.level`, app: "clearance_level" },
      { scim: `${ACME}:auditId`, app: "audit_id", direction: "toScim" },
    ]);
    expect(
      mapping.toRecord({ userName: "u", [ACME]: { badgeNumber: 7, clearance: { level: 2 }, auditId: "x" } }),
    ).toEqual({
      login: "u",
      badge: 7,
      clearance_level: 2,
    });
    expect(mapping.fromRecord({ login: "u", badge: 7, audit_id: "a1" })).toEqual({
      userName: "u",
      [ACME]: { badgeNumber: 7, auditId: "a1" },
    });
    expect(mapping.mapFilter(resolveFilter(users, parseFilter("badgeNumber ge 5")))).toEqual({
      op: "ge",
      attrPath: { path: ["badge"], type: "integer", caseExact: false, multiValued: false },
      compValue: 5,
    });
    const shown = mapping.schemas(users);
    expect(shown.extensions.map((e) => e.schema.id)).toEqual([ACME]);
    expect(shown.extensions[0]?.schema.attributes.map((a) => a.name)).toEqual(["badgeNumber", "clearance", "auditId"]);
  });
});
