/** RFC 7644 section 4: /ServiceProviderConfig, /Schemas and /ResourceTypes; read-only, no scope needed. */
import type { Router } from "express";
import { clip, notFound } from "../protocol/errors";
import { listResponse } from "../protocol/list";
import type { OpenApiDocument } from "../openapi/types";
import { resourceTypeResource, schemaResource, serviceProviderConfig } from "../schema/discovery";
import type { ResourceTypeDef, SchemaDef } from "../schema/types";
import { send } from "./respond";
import { mount, param, type Handler, type RouteFactory } from "./route";

export interface Discovery {
  resourceTypes: ResourceTypeDef[];
  schemas: SchemaDef[];
  maxResults: number;
  defaultPageSize: number;
  cursorTimeout: number;
  /** The `openapi` option's document, when it is on (GET /openapi.json). */
  openapi?: OpenApiDocument;
}

function fullList(resources: Record<string, unknown>[]) {
  return listResponse(resources.length, { startIndex: 1, count: resources.length }, resources);
}

export function mountDiscoveryRoutes(
  router: Router,
  route: RouteFactory,
  { resourceTypes, schemas, openapi, ...paging }: Discovery,
): void {
  const byName = <T>(items: T[], key: (item: T) => string, wanted: string) =>
    items.find((i) => key(i).toLowerCase() === wanted.toLowerCase());
  // RFC 7644 4: discovery needs a valid token (checked before any route) but no scope.
  const open = (handle: Handler) => ({ get: { scope: null, handle } });
  mount(
    router,
    route,
    "/ServiceProviderConfig",
    open(async (_req, res, ctx) => send(res, 200, serviceProviderConfig({ baseUrl: ctx.baseUrl, ...paging }))),
  );
  mount(
    router,
    route,
    "/Schemas",
    open(async (_req, res, ctx) => send(res, 200, fullList(schemas.map((s) => schemaResource(s, ctx.baseUrl))))),
  );
  mount(
    router,
    route,
    "/Schemas/:urn",
    open(async (req, res, ctx) => {
      const schema = byName(schemas, (s) => s.id, param(req, "urn"));
      if (!schema) throw notFound(`Schema ${clip(param(req, "urn"))} not found.`);
      send(res, 200, schemaResource(schema, ctx.baseUrl));
    }),
  );
  mount(
    router,
    route,
    "/ResourceTypes",
    open(async (_req, res, ctx) =>
      send(res, 200, fullList(resourceTypes.map((rt) => resourceTypeResource(rt, ctx.baseUrl)))),
    ),
  );
  mount(
    router,
    route,
    "/ResourceTypes/:name",
    open(async (req, res, ctx) => {
      const rt = byName(resourceTypes, (r) => r.name, param(req, "name"));
      if (!rt) throw notFound(`Resource type ${clip(param(req, "name"))} not found.`);
      send(res, 200, resourceTypeResource(rt, ctx.baseUrl));
    }),
  );
  if (openapi) {
    mount(
      router,
      route,
      "/openapi.json",
      open(async (_req, res, ctx) =>
        send(res, 200, { ...openapi, servers: [{ url: ctx.baseUrl }] }, {}, "application/json; charset=utf-8"),
      ),
    );
  }
}
