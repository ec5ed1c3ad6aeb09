/**
 * The OpenAPI 3.1 description of one router, written from what its discovery endpoints serve:
 * the resource types and schemas after the mapping, the paging limits of ServiceProviderConfig.
 * Nothing here is a second description of a resource: change a schema, an extension or the
 * mapping, and /Schemas and this document change together.
 */
import { alwaysReturned, resourceSchema } from "./json-schema";
import {
  attributeDefinitionSchema,
  errorSchema,
  listResponseSchema,
  patchOpSchema,
  ref,
  resourceTypeResourceSchema,
  schemaResourceSchema,
  searchRequestSchema,
  serviceProviderConfigSchema,
} from "./messages";
import { parameters, paths } from "./paths";
import { errorResponses, HEADERS } from "./responses";
import type { JsonSchema, OpenApiDocument, ServiceDescription } from "./types";

const DEFAULT_INFO = {
  title: "SCIM 2.0 service",
  version: "2.0",
  description:
    "User and group provisioning (RFC 7643, RFC 7644), served by express-scim. Attribute names are " +
    "case-insensitive and the service reads the variants real clients send; this document gives the canonical form.",
};

export function openApiDocument(d: ServiceDescription): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  for (const rt of d.resourceTypes) {
    schemas[rt.name] = resourceSchema(rt);
    schemas[`${rt.name}ListResponse`] = listResponseSchema({ allOf: [ref(rt.name), { required: alwaysReturned(rt) }] });
  }
  const anyResource = { anyOf: d.resourceTypes.map((rt) => ref(rt.name)) };
  Object.assign(schemas, {
    ListResponse: listResponseSchema(anyResource),
    SearchRequest: searchRequestSchema,
    PatchOp: patchOpSchema,
    Error: errorSchema,
    ServiceProviderConfig: serviceProviderConfigSchema,
    Schema: schemaResourceSchema,
    SchemaListResponse: listResponseSchema(ref("Schema")),
    AttributeDefinition: attributeDefinitionSchema,
    ResourceType: resourceTypeResourceSchema,
    ResourceTypeListResponse: listResponseSchema(ref("ResourceType")),
  });
  return {
    openapi: "3.1.0",
    info: { ...DEFAULT_INFO, ...d.info },
    ...(d.serverUrl ? { servers: [{ url: d.serverUrl }] } : {}),
    security: [{ bearer: [] }],
    tags: [
      ...d.resourceTypes.map((rt) => ({
        name: rt.endpoint.replace(/^\//, ""),
        description: rt.description ?? rt.name,
      })),
      { name: "Root", description: "Queries across every resource type." },
      { name: "Discovery", description: "What the service supports: any valid token, no scope." },
      ...(d.servesFeed
        ? [{ name: "Events", description: "Provisioning events, for hosts that pull (get:events)." }]
        : []),
    ],
    paths: paths(d),
    components: {
      schemas,
      parameters: parameters(d),
      headers: HEADERS,
      responses: errorResponses(),
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description:
            "A bearer token. Each operation lists the scope it needs (`get:users`, `post:groups`, ...); discovery needs none.",
        },
      },
    },
  };
}
