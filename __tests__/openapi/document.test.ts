/**
 * The OpenAPI document (lib/openapi) is a valid OpenAPI 3.1 description, checked with ajv against
 * the OpenAPI Initiative's own JSON Schema for 3.1 documents (as @seriousme/openapi-schema-validator
 * ships it, its Schema Objects checked apart against JSON Schema 2020-12's meta-schema), and it says
 * what discovery says: the attributes of /Schemas after the mapping and extensions, nothing more.
 */
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import oasSchema from "@seriousme/openapi-schema-validator/schemas/v3.1/schema.json";
import { openApiOf, type OpenApiSource } from "../../lib/http/openapi";
import { setupResources } from "../../lib/service/setup";
import { COMMON_ATTRIBUTES } from "../../lib/schema/core";
import { ENTERPRISE, USER_SCHEMA } from "../helpers/fixtures";

type Json = Record<string, any>;

function oasValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // The OAS schema names RFC 9110's media-range, which ajv-formats does not know.
  ajv.addFormat("media-range", true);
  const document = ajv.compile(oasSchema);
  const schemaObject = (schema: unknown) => (ajv.validateSchema(schema as object) ? [] : ajv.errors);
  return { document, schemaObject };
}

const { document: validDocument, schemaObject: schemaObjectErrors } = oasValidator();

/** Every `$ref` in the document names something in it. */
function danglingRefs(doc: Json): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (!v || typeof v !== "object") return;
    const ref = (v as Json).$ref;
    if (typeof ref === "string") {
      const target = ref
        .replace(/^#\//, "")
        .split("/")
        .reduce<unknown>(
          (node, part) => (node as Json | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")],
          doc,
        );
      if (target === undefined) out.push(ref);
    }
    Object.values(v).forEach(walk);
  };
  walk(doc);
  return out;
}

const custom: OpenApiSource = {
  schemas: {
    users: [
      {
        id: "urn:acme:params:scim:schemas:extension:2.0:User",
        name: "AcmeUser",
        attributes: [
          { name: "badge", type: "integer" },
          { name: "pin", type: "string", mutability: "writeOnly", returned: "never" },
        ],
      },
    ],
  },
  mapping: {
    users: [
      { scim: "userName", app: "login" },
      { scim: "active", app: "enabled" },
      { scim: "emails[primary eq true].value", app: "email" },
      { scim: `${ENTERPRISE}:department`, app: "dept" },
      { scim: "urn:acme:params:scim:schemas:extension:2.0:User:badge", app: "badge" },
      { scim: "urn:acme:params:scim:schemas:extension:2.0:User:pin", app: "pin", direction: "toApp" },
    ],
  },
  openapi: { title: "Acme provisioning", version: "7.1.0" },
};

describe.each<[string, OpenApiSource]>([
  ["the defaults", {}],
  ["a mapping, a custom extension and a title", custom],
  [
    "userIdentity externalId and other limits",
    { userIdentity: "externalId", limits: { maxCount: 50, defaultCount: 10 } },
  ],
])("the document for %s", (_name, options) => {
  const doc = openApiOf(options, "https://app.example.com/scim/v2") as Json;

  test("validates against the OpenAPI 3.1 JSON Schema, and each Schema Object against JSON Schema 2020-12", () => {
    expect(validDocument(doc) ? [] : validDocument.errors).toEqual([]);
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect({
        name,
        errors: schemaObjectErrors({ $schema: "https://json-schema.org/draft/2020-12/schema", ...(schema as Json) }),
      }).toEqual({ name, errors: [] });
    }
    expect(danglingRefs(doc)).toEqual([]);
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: "https://app.example.com/scim/v2" }]);
  });

  test("each resource's properties are the attributes discovery shows, plus schemas and one object per extension", () => {
    const { discovery } = setupResources(options);
    for (const rt of discovery.resourceTypes) {
      const component = doc.components.schemas[rt.name];
      const names = (schema: Json) =>
        [
          ...Object.keys(schema.properties),
          ...Object.keys(schema.patternProperties ?? {}).map((p) => p.replace(/^\^\\|\$$/g, "")),
        ].sort();
      expect(names(component)).toEqual(
        [
          "schemas",
          ...COMMON_ATTRIBUTES.map((a) => a.name),
          ...rt.schema.attributes.map((a) => a.name),
          ...rt.extensions.map((e) => e.schema.id),
        ].sort(),
      );
      for (const { schema } of rt.extensions)
        expect(names(component.properties[schema.id])).toEqual(schema.attributes.map((a) => a.name).sort());
      expect(component.additionalProperties).toBe(false);
      expect(component.properties.schemas.items.enum).toEqual([rt.schema.id, ...rt.extensions.map((e) => e.schema.id)]);
    }
  });

  test("paths: each resource type's operations with their scopes, the root, discovery; no Bulk and no /Me", () => {
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        "/",
        "/.search",
        "/Groups",
        "/Groups/.search",
        "/Groups/{id}",
        "/ResourceTypes",
        "/ResourceTypes/{name}",
        "/Schemas",
        "/Schemas/{urn}",
        "/ServiceProviderConfig",
        "/Users",
        "/Users/.search",
        "/Users/{id}",
        ...(options.openapi ? ["/openapi.json"] : []),
      ].sort(),
    );
    expect(doc.paths["/Users"].post.security).toEqual([{ bearer: ["post:users"] }]);
    expect(doc.paths["/Users/.search"].post.security).toEqual([{ bearer: ["get:users"] }]);
    expect(doc.paths["/Groups/{id}"].patch.security).toEqual([{ bearer: ["patch:groups"] }]);
    expect(doc.paths["/Schemas"].get.security).toBeUndefined();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    const listParams = doc.paths["/Users"].get.parameters.map(
      (p: Json) => doc.components.parameters[p.$ref.split("/").pop()].name,
    );
    expect(listParams).toEqual([
      "filter",
      "attributes",
      "excludedAttributes",
      "sortBy",
      "sortOrder",
      "startIndex",
      "count",
      "cursor",
    ]);
    // Either answer is RFC 7644's; a client profile's patchAnswer picks one for each resource type.
    expect(doc.paths["/Groups/{id}"].patch.responses["204"]).toBeDefined();
    expect(doc.paths["/Users/{id}"].patch.responses["204"]).toBeDefined();
  });
});

test("the check itself refuses a broken document and a broken Schema Object", () => {
  const doc = openApiOf({}) as Json;
  expect(validDocument({ ...doc, paths: { "/x": { get: { responses: { 200: {} } } } } })).toBe(false);
  expect(validDocument({ ...doc, openapi: "3.0.3" })).toBe(false);
  expect(schemaObjectErrors({ type: "text" })).not.toEqual([]);
});

describe("what the document says about attributes", () => {
  const doc = openApiOf(custom) as Json;
  const user = doc.components.schemas.User;

  test("the mapping's attributes only: unmapped ones are absent, mapped ones keep their RFC 7643 types", () => {
    expect(Object.keys(user.properties)).toEqual(
      expect.arrayContaining(["userName", "active", "emails", "id", "meta", "schemas", ENTERPRISE]),
    );
    expect(user.properties.name).toBeUndefined();
    expect(user.properties.active).toMatchObject({ type: "boolean" });
    expect(user.properties.emails).toMatchObject({ type: "array", items: { type: "object" } });
    expect(Object.keys(user.properties[ENTERPRISE].properties)).toEqual(["department"]);
    expect(user.properties.id).toMatchObject({ type: "string", readOnly: true });
    expect(user.properties.meta.properties.created).toMatchObject({ type: "string", format: "date-time" });
  });

  test("a custom extension's attributes appear under its URN; a writeOnly one is marked so", () => {
    const acme = user.properties["urn:acme:params:scim:schemas:extension:2.0:User"];
    expect(acme.properties.badge).toMatchObject({ type: "integer" });
    expect(acme.properties.pin).toMatchObject({ type: "string", writeOnly: true });
  });

  test("POST and PUT bodies require what RFC 7643 requires; responses carry what is always returned", () => {
    const post = doc.paths["/Users"].post;
    expect(post.requestBody.content["application/scim+json"].schema.allOf[1].required).toEqual(["schemas", "userName"]);
    expect(post.responses["201"].content["application/scim+json"].schema.allOf[1].required).toEqual(["schemas", "id"]);
    expect(Object.keys(post.responses["201"].headers)).toEqual(["ETag", "Location"]);
    expect(doc.info).toMatchObject({ title: "Acme provisioning", version: "7.1.0" });
  });

  test("the core User schema has password as writeOnly, and the enterprise manager's sub-attributes", () => {
    const full = (openApiOf({}) as Json).components.schemas.User;
    expect(full.properties.password).toMatchObject({ writeOnly: true });
    expect(full.properties[ENTERPRISE].properties.manager.patternProperties["^\\$ref$"]).toMatchObject({
      type: "string",
    });
    expect(full.properties.schemas.contains).toEqual({ const: USER_SCHEMA });
  });
});
