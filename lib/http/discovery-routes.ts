/** RFC 7644 section 4: /ServiceProviderConfig, /Schemas and /ResourceTypes; read-only, no scope needed. */
import type { Router } from "express";
import { ScimError } from "../protocol/errors";
import { listResponse } from "../protocol/list";
import { resourceTypeResource, schemaResource, serviceProviderConfig } from "../schema/discovery";
import type { ResourceTypeDef, SchemaDef } from "../schema/types";
import { send } from "./respond";
import { methodNotAllowed, param, type RouteFactory } from "./route";

export interface Discovery {
  resourceTypes: ResourceTypeDef[];
  schemas: SchemaDef[];
  maxResults: number;
}

function fullList(resources: Record<string, unknown>[]) {
  return listResponse(resources.length, { startIndex: 1, count: resources.length }, resources);
}

export function mountDiscoveryRoutes(router: Router, route: RouteFactory, { resourceTypes, schemas, maxResults }: Discovery): void {
  const byName = <T>(items: T[], key: (item: T) => string, wanted: string) => items.find((i) => key(i).toLowerCase() === wanted.toLowerCase());
  router
    .route("/ServiceProviderConfig")
    .get(route(null, async (_req, res, ctx) => send(res, 200, serviceProviderConfig({ baseUrl: ctx.baseUrl, maxResults }))))
    .all(methodNotAllowed("GET"));
  router
    .route("/Schemas")
    .get(route(null, async (_req, res, ctx) => send(res, 200, fullList(schemas.map((s) => schemaResource(s, ctx.baseUrl))))))
    .all(methodNotAllowed("GET"));
  router
    .route("/Schemas/:urn")
    .get(
      route(null, async (req, res, ctx) => {
        const schema = byName(schemas, (s) => s.id, param(req, "urn"));
        if (!schema) throw new ScimError(404, undefined, `Schema ${param(req, "urn")} not found.`);
        send(res, 200, schemaResource(schema, ctx.baseUrl));
      }),
    )
    .all(methodNotAllowed("GET"));
  router
    .route("/ResourceTypes")
    .get(route(null, async (_req, res, ctx) => send(res, 200, fullList(resourceTypes.map((rt) => resourceTypeResource(rt, ctx.baseUrl))))))
    .all(methodNotAllowed("GET"));
  router
    .route("/ResourceTypes/:name")
    .get(
      route(null, async (req, res, ctx) => {
        const rt = byName(resourceTypes, (r) => r.name, param(req, "name"));
        if (!rt) throw new ScimError(404, undefined, `Resource type ${param(req, "name")} not found.`);
        send(res, 200, resourceTypeResource(rt, ctx.baseUrl));
      }),
    )
    .all(methodNotAllowed("GET"));
}
