/**
 * RFC 7644's messages (ListResponse, PatchOp, SearchRequest, Error) and RFC 7643's discovery
 * resources (ServiceProviderConfig, Schema, ResourceType) as JSON Schema. These shapes are the
 * RFCs', the same for every service; what varies (the resources) is read from the schemas.
 */
import { ERROR_SCHEMA, SCIM_TYPES } from "../protocol/errors";
import {
  LIST_RESPONSE_SCHEMA,
  PATCH_OP_SCHEMA,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
  SEARCH_REQUEST_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
} from "../schema/urns";
import type { JsonSchema } from "./types";

/** `#/components/schemas/<name>` */
export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

const urnList = (urn: string): JsonSchema => ({ type: "array", items: { const: urn }, minItems: 1, maxItems: 1 });
const str: JsonSchema = { type: "string" };
const bool: JsonSchema = { type: "boolean" };
const int: JsonSchema = { type: "integer", minimum: 0 };
const closed = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: "object",
  properties,
  ...(required.length ? { required } : {}),
  additionalProperties: false,
});

/** RFC 7644 3.12. `status` is the HTTP status as a string. */
export const errorSchema: JsonSchema = closed(
  {
    schemas: urnList(ERROR_SCHEMA),
    status: { type: "string", pattern: "^[1-5][0-9][0-9]$" },
    scimType: { enum: [...SCIM_TYPES] },
    detail: str,
  },
  ["schemas", "status", "detail"],
);

/** RFC 7644 3.4.2, with RFC 9865 2.2's cursors. Index pages carry startIndex; cursor pages nextCursor. */
export function listResponseSchema(items: JsonSchema): JsonSchema {
  return closed(
    {
      schemas: urnList(LIST_RESPONSE_SCHEMA),
      totalResults: int,
      startIndex: { type: "integer", minimum: 1 },
      itemsPerPage: int,
      nextCursor: str,
      previousCursor: str,
      Resources: { type: "array", items },
    },
    ["schemas", "totalResults", "itemsPerPage", "Resources"],
  );
}

const attributeList: JsonSchema = {
  description: "Attribute names: an array, or one comma-separated string.",
  oneOf: [str, { type: "array", items: str }],
};

/** RFC 7644 3.4.3, with RFC 9865's `cursor`. */
export const searchRequestSchema: JsonSchema = {
  type: "object",
  properties: {
    schemas: urnList(SEARCH_REQUEST_SCHEMA),
    attributes: attributeList,
    excludedAttributes: attributeList,
    filter: str,
    sortBy: str,
    sortOrder: { enum: ["ascending", "descending"] },
    startIndex: { type: "integer" },
    count: { type: "integer" },
    cursor: str,
  },
};

/** RFC 7644 3.5.2. */
export const patchOpSchema: JsonSchema = {
  type: "object",
  properties: {
    schemas: urnList(PATCH_OP_SCHEMA),
    Operations: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        properties: {
          op: { enum: ["add", "remove", "replace"] },
          path: { type: "string", description: "An attribute path, with an optional value filter (RFC 7644 3.5.2)." },
          value: { description: "The value to add or replace with; for `remove`, the values to remove." },
        },
        required: ["op"],
      },
    },
  },
  required: ["schemas", "Operations"],
};

const meta = (resourceType: string): JsonSchema =>
  closed({ resourceType: { const: resourceType }, location: str, created: str, lastModified: str, version: str });

const supported = (more: Record<string, JsonSchema> = {}) => closed({ supported: bool, ...more }, ["supported"]);

/** RFC 7643 5, with RFC 9865 4's `pagination`. */
export const serviceProviderConfigSchema: JsonSchema = closed(
  {
    schemas: urnList(SERVICE_PROVIDER_CONFIG_SCHEMA),
    documentationUri: str,
    patch: supported(),
    bulk: supported({ maxOperations: int, maxPayloadSize: int }),
    filter: supported({ maxResults: int }),
    changePassword: supported(),
    sort: supported(),
    etag: supported(),
    pagination: closed({
      cursor: bool,
      index: bool,
      defaultPaginationMethod: { enum: ["cursor", "index"] },
      defaultPageSize: int,
      maxPageSize: int,
      cursorTimeout: int,
    }),
    authenticationSchemes: {
      type: "array",
      items: closed({ type: str, name: str, description: str, specUri: str, documentationUri: str, primary: bool }, [
        "type",
        "name",
        "description",
      ]),
    },
    meta: meta("ServiceProviderConfig"),
  },
  ["schemas", "patch", "bulk", "filter", "changePassword", "sort", "etag", "authenticationSchemes"],
);

/** RFC 7643 7: one attribute definition; sub-attributes nest. */
export const attributeDefinitionSchema: JsonSchema = closed(
  {
    name: str,
    type: { enum: ["string", "boolean", "decimal", "integer", "dateTime", "reference", "binary", "complex"] },
    multiValued: bool,
    description: str,
    required: bool,
    caseExact: bool,
    mutability: { enum: ["readOnly", "readWrite", "immutable", "writeOnly"] },
    returned: { enum: ["always", "never", "default", "request"] },
    uniqueness: { enum: ["none", "server", "global"] },
    canonicalValues: { type: "array", items: str },
    referenceTypes: { type: "array", items: str },
    subAttributes: { type: "array", items: ref("AttributeDefinition") },
  },
  ["name", "type", "multiValued", "required", "mutability", "returned"],
);

/** RFC 7643 7: a schema as /Schemas serves it. */
export const schemaResourceSchema: JsonSchema = closed(
  {
    schemas: urnList(SCHEMA_SCHEMA),
    id: str,
    name: str,
    description: str,
    attributes: { type: "array", items: ref("AttributeDefinition") },
    meta: meta("Schema"),
  },
  ["schemas", "id", "attributes"],
);

/** RFC 7643 6. */
export const resourceTypeResourceSchema: JsonSchema = closed(
  {
    schemas: urnList(RESOURCE_TYPE_SCHEMA),
    id: str,
    name: str,
    endpoint: str,
    description: str,
    schema: str,
    schemaExtensions: {
      type: "array",
      items: closed({ schema: str, required: bool }, ["schema", "required"]),
    },
    meta: meta("ResourceType"),
  },
  ["schemas", "name", "endpoint", "schema"],
);
