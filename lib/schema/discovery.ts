/** RFC 7643 sections 5, 6 and 7: what the server says about itself. */
import type { AttributeDef, ResourceTypeDef, SchemaDef } from "./types";
import { RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA } from "./urns";

export interface DiscoveryFacts {
  baseUrl: string;
  maxResults: number;
  /** RFC 9865 4: page size without `count`, and seconds a cursor stays valid. */
  defaultPageSize: number;
  cursorTimeout: number;
  documentationUri?: string;
}

export function serviceProviderConfig(facts: DiscoveryFacts): Record<string, unknown> {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    ...(facts.documentationUri ? { documentationUri: facts.documentationUri } : {}),
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: facts.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    // RFC 9865 4: both methods; index paging stays the default, as every client built on RFC 7644 expects.
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: "index",
      defaultPageSize: facts.defaultPageSize,
      maxPageSize: facts.maxResults,
      cursorTimeout: facts.cursorTimeout,
    },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "OAuth Bearer Token",
        description: "Authentication with a bearer token in the Authorization header.",
        specUri: "https://www.rfc-editor.org/info/rfc6750",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${facts.baseUrl}/ServiceProviderConfig` },
  };
}

function describeAttribute(attr: AttributeDef): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: attr.name,
    type: attr.type,
    multiValued: attr.multiValued,
    description: attr.description ?? attr.name,
    required: attr.required,
    caseExact: attr.caseExact,
    mutability: attr.mutability,
    returned: attr.returned,
    uniqueness: attr.uniqueness,
  };
  if (attr.canonicalValues?.length) out.canonicalValues = attr.canonicalValues;
  if (attr.referenceTypes) out.referenceTypes = attr.referenceTypes;
  if (attr.subAttributes) out.subAttributes = attr.subAttributes.map(describeAttribute);
  return out;
}

export function schemaResource(schema: SchemaDef, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description ?? schema.name,
    attributes: schema.attributes.map(describeAttribute),
    meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${schema.id}` },
  };
}

export function resourceTypeResource(rt: ResourceTypeDef, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: rt.name,
    name: rt.name,
    endpoint: rt.endpoint,
    description: rt.description ?? rt.name,
    schema: rt.schema.id,
    schemaExtensions: rt.extensions.map((e) => ({ schema: e.schema.id, required: e.required })),
    meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/${rt.name}` },
  };
}
