/**
 * The operations the router serves, as OpenAPI paths: lib/http's routes, read as a contract.
 * Each resource type gets its list, create, .search, read, replace, patch and delete.
 */
import { FEED_SCOPE, requiredScope, type Noun, type Verb } from "../auth/scopes";
import { EVENT_TYPES } from "../events/types";
import { MEMBER_PAGE_PARAMS } from "../protocol/member-page";
import type { ResourceTypeDef } from "../schema/types";
import { alwaysReturned, requiredOnWrite } from "./json-schema";
import { ref } from "./messages";
import { COMMON_ERRORS, errorResponse, SCIM_JSON } from "./responses";
import type { JsonSchema, ServiceDescription } from "./types";

const param = (name: string): JsonSchema => ({ $ref: `#/components/parameters/${name}` });
const schemaParam = (name: string, where: string, description: string, schema: JsonSchema, required = false) => ({
  name,
  in: where,
  description,
  ...(required ? { required: true } : {}),
  schema,
});

const pathParam = (name: string, description: string) =>
  schemaParam(name, "path", description, { type: "string" }, true);

/** RFC 7644 3.4.2 and 3.9, RFC 9865 2: the query parameters of a read. */
export function parameters(d: ServiceDescription): Record<string, JsonSchema> {
  const text = { type: "string" };
  return {
    filter: schemaParam("filter", "query", 'A SCIM filter (RFC 7644 3.4.2.2), e.g. `userName eq "ada"`.', text),
    attributes: schemaParam("attributes", "query", "Comma-separated attributes to return (RFC 7644 3.9).", text),
    excludedAttributes: schemaParam(
      "excludedAttributes",
      "query",
      "Comma-separated attributes to leave out (RFC 7644 3.9).",
      text,
    ),
    sortBy: schemaParam("sortBy", "query", "The attribute to sort by (RFC 7644 3.4.2.3).", text),
    sortOrder: schemaParam("sortOrder", "query", "Sort direction.", { enum: ["ascending", "descending"] }),
    startIndex: schemaParam("startIndex", "query", "1-based index of the first result (RFC 7644 3.4.2.4).", {
      type: "integer",
    }),
    count: schemaParam("count", "query", `Page size (default ${d.defaultPageSize}, at most ${d.maxResults}).`, {
      type: "integer",
    }),
    cursor: schemaParam(
      "cursor",
      "query",
      `RFC 9865 cursor paging: empty for the first page, then the \`nextCursor\` given; valid ${d.cursorTimeout} s.`,
      text,
    ),
    id: schemaParam("id", "path", "The resource's id.", text, true),
    membersCount: schemaParam(
      MEMBER_PAGE_PARAMS.count,
      "query",
      `Page the group's members: at most this many (at most ${d.maxMembersPerRequest}).`,
      { type: "integer" },
    ),
    membersCursor: schemaParam(
      MEMBER_PAGE_PARAMS.cursor,
      "query",
      "The next page of members, from the previous answer's Link header.",
      text,
    ),
    ifMatch: schemaParam("If-Match", "header", "Write only if the resource is at this version (its ETag).", text),
    ifNoneMatch: schemaParam("If-None-Match", "header", "Answer 304 if the resource is still at this version.", text),
  };
}

const LIST_PARAMS = ["filter", "attributes", "excludedAttributes", "sortBy", "sortOrder", "startIndex", "count"];
const PROJECTION = ["attributes", "excludedAttributes"];

const json = (schema: JsonSchema) => ({ content: { [SCIM_JSON]: { schema } } });
const body = (schema: JsonSchema, description: string) => ({
  required: true,
  description,
  // RFC 7644 3.1: application/scim+json; plain JSON (and no Content-Type) is read the same.
  content: { [SCIM_JSON]: { schema }, "application/json": { schema } },
});
const headers = (...names: string[]) => ({
  headers: Object.fromEntries(names.map((h) => [h, { $ref: `#/components/headers/${h}` }])),
});
const errors = (...statuses: string[]) =>
  Object.fromEntries([...statuses, ...COMMON_ERRORS].map((s) => [s, errorResponse(s)]));
const withRequired = (schema: JsonSchema, required: string[]): JsonSchema => ({ allOf: [schema, { required }] });

interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  scope: string | null;
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
}

function operation({ scope, ...op }: Operation): JsonSchema {
  // OpenAPI 3.1 4.8.30: for a non-OAuth scheme the array lists the roles the operation needs.
  return { ...op, ...(scope === null ? {} : { security: [{ bearer: [scope] }] }) };
}

function resourcePaths(rt: ResourceTypeDef): Record<string, JsonSchema> {
  const plural = rt.endpoint.replace(/^\//, "");
  const noun = plural.toLowerCase() as Noun;
  const isGroups = noun === "groups";
  const scope = (verb: Verb) => requiredScope(verb, noun);
  const tags = [plural];
  const returned = withRequired(ref(rt.name), alwaysReturned(rt));
  const written = withRequired(ref(rt.name), requiredOnWrite(rt));
  const list = ref(`${rt.name}ListResponse`);
  const resource = (description: string, ...more: string[]) => ({
    description,
    ...headers("ETag", ...more),
    ...json(returned),
  });
  const projection = PROJECTION.map(param);
  return {
    [rt.endpoint]: {
      get: operation({
        operationId: `list${plural}`,
        summary: `List or filter ${plural}`,
        tags,
        scope: scope("get"),
        parameters: [...LIST_PARAMS, "cursor"].map(param),
        responses: { 200: { description: "One page of results.", ...json(list) }, ...errors("400", "403") },
      }),
      post: operation({
        operationId: `create${rt.name}`,
        summary: `Create a ${rt.name}`,
        tags,
        scope: scope("post"),
        parameters: projection,
        requestBody: body(written, `The new ${rt.name}.`),
        responses: { 201: resource("Created.", "Location"), ...errors("400", "403", "409", "413", "415") },
      }),
    },
    [`${rt.endpoint}/.search`]: {
      post: operation({
        operationId: `search${plural}`,
        summary: `Search ${plural} with a SearchRequest body (RFC 7644 3.4.3)`,
        tags,
        scope: requiredScope("post", noun, true),
        requestBody: body(ref("SearchRequest"), "The query."),
        responses: {
          200: { description: "One page of results.", ...json(list) },
          ...errors("400", "403", "413", "415"),
        },
      }),
    },
    [`${rt.endpoint}/{id}`]: {
      parameters: [param("id")],
      get: operation({
        operationId: `get${rt.name}`,
        summary: `Read a ${rt.name}`,
        tags,
        scope: scope("get"),
        parameters: [...projection, ...(isGroups ? [param("membersCount"), param("membersCursor")] : [])].concat(
          param("ifNoneMatch"),
        ),
        responses: {
          200: resource(`The ${rt.name}.`, ...(isGroups ? ["Link"] : [])),
          304: { description: "Not modified since the version named in If-None-Match.", ...headers("ETag") },
          ...errors("400", "403", "404"),
        },
      }),
      put: operation({
        operationId: `replace${rt.name}`,
        summary: `Replace a ${rt.name}`,
        tags,
        scope: scope("put"),
        parameters: [...projection, param("ifMatch")],
        requestBody: body(written, `The ${rt.name}, whole: attributes left out are cleared.`),
        responses: {
          200: resource(`The ${rt.name} as replaced.`),
          ...errors("400", "403", "404", "409", "412", "413", "415"),
        },
      }),
      patch: operation({
        operationId: `patch${rt.name}`,
        summary: `Change part of a ${rt.name} (RFC 7644 3.5.2)`,
        tags,
        scope: scope("patch"),
        parameters: [...projection, param("ifMatch")],
        requestBody: body(ref("PatchOp"), "The operations, applied together or not at all."),
        responses: {
          200: resource(`The ${rt.name} as changed.`),
          // RFC 7644 3.5.2 allows either; the client profile's patchAnswer picks one (docs/clients.md), and
          // asking for `attributes` always gets the resource back.
          204: { description: `Changed; ask with \`attributes\` to get the ${rt.name} back.` },
          ...errors("400", "403", "404", "409", "412", "413", "415"),
        },
      }),
      delete: operation({
        operationId: `delete${rt.name}`,
        summary: `Delete a ${rt.name}`,
        tags,
        scope: scope("delete"),
        parameters: [param("ifMatch")],
        responses: { 204: { description: "Deleted." }, ...errors("403", "404", "412") },
      }),
    },
  };
}

const discovery = (operationId: string, summary: string, schema: JsonSchema, more: string[] = []) => ({
  get: operation({
    operationId,
    summary,
    tags: ["Discovery"],
    scope: null,
    responses: { 200: { description: summary, ...json(schema) }, ...errors(...more) },
  }),
});

function rootPaths(rts: readonly ResourceTypeDef[]): Record<string, JsonSchema> {
  const list = ref("ListResponse");
  const scopes = rts.map((rt) => requiredScope("get", rt.endpoint.replace(/^\//, "").toLowerCase() as Noun));
  const description = `Every resource type the token may read (${scopes.join(" or ")}), as one list.`;
  return {
    "/": {
      get: operation({
        operationId: "searchAll",
        summary: "Query every resource type (RFC 7644 3.4.2)",
        description,
        tags: ["Root"],
        scope: null,
        parameters: LIST_PARAMS.map(param),
        responses: { 200: { description: "One page of results.", ...json(list) }, ...errors("400", "403") },
      }),
    },
    "/.search": {
      post: operation({
        operationId: "searchAllWithBody",
        summary: "Query every resource type with a SearchRequest body (RFC 7644 3.4.3)",
        description,
        tags: ["Root"],
        scope: null,
        requestBody: body(ref("SearchRequest"), "The query."),
        responses: {
          200: { description: "One page of results.", ...json(list) },
          ...errors("400", "403", "413", "415"),
        },
      }),
    },
  };
}

export function paths(d: ServiceDescription): Record<string, JsonSchema> {
  return {
    ...Object.assign({}, ...d.resourceTypes.map((rt) => resourcePaths(rt))),
    ...rootPaths(d.resourceTypes),
    "/ServiceProviderConfig": discovery(
      "getServiceProviderConfig",
      "What the service supports (RFC 7643 5).",
      ref("ServiceProviderConfig"),
    ),
    "/Schemas": discovery("listSchemas", "The schemas of the resources (RFC 7643 7).", ref("SchemaListResponse")),
    "/Schemas/{urn}": {
      parameters: [pathParam("urn", "A schema's URN.")],
      ...discovery("getSchema", "One schema.", ref("Schema"), ["404"]),
    },
    "/ResourceTypes": discovery(
      "listResourceTypes",
      "The resource types (RFC 7643 6).",
      ref("ResourceTypeListResponse"),
    ),
    "/ResourceTypes/{name}": {
      parameters: [pathParam("name", "A resource type's name, e.g. User.")],
      ...discovery("getResourceType", "One resource type.", ref("ResourceType"), ["404"]),
    },
    ...(d.servesFeed ? { "/Events": feedPath() } : {}),
    ...(d.servesDocument
      ? {
          "/openapi.json": {
            get: operation({
              operationId: "getOpenApi",
              summary: "This document",
              tags: ["Discovery"],
              scope: null,
              responses: {
                200: {
                  description: "This OpenAPI document.",
                  content: { "application/json": { schema: { type: "object" } } },
                },
                ...errors(),
              },
            }),
          },
        }
      : {}),
  };
}

/** `GET /Events` (lib/http/feed-routes.ts, docs/events.md): a tenant's events after a cursor. */
function feedPath(): JsonSchema {
  const text = { type: "string" };
  const event = {
    type: "object",
    required: ["id", "type", "tenant", "seq", "resourceType", "resourceId", "time", "data"],
    properties: {
      id: text,
      type: { enum: [...EVENT_TYPES] },
      tenant: text,
      seq: { type: "integer", minimum: 1 },
      resourceType: { enum: ["User", "Group"] },
      resourceId: text,
      actor: text,
      time: { type: "string", format: "date-time" },
      data: { type: "object" },
    },
  };
  return {
    get: operation({
      operationId: "readEvents",
      summary: "The tenant's provisioning events after a cursor, oldest first",
      tags: ["Events"],
      scope: FEED_SCOPE,
      parameters: [
        schemaParam("after", "query", "The `next` of the previous page; 0 (default) from the oldest kept.", {
          type: "integer",
          minimum: 0,
        }),
        schemaParam("count", "query", "Events per page.", { type: "integer", minimum: 0 }),
      ],
      responses: {
        200: {
          description: "One page of events; `next` is the cursor for the following page.",
          ...json({
            type: "object",
            required: ["events", "next"],
            properties: { events: { type: "array", items: event }, next: { type: "integer", minimum: 0 } },
            additionalProperties: false,
          }),
        },
        ...errors("400", "403"),
      },
    }),
  };
}
