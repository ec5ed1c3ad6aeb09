/** A stored row as a SCIM resource (RFC 7643 3.1): schemas, id, the attributes, meta. */
import type { ResourceTypeDef } from "../schema/types";
import type { ResourceMapping } from "../mapping/types";
import type { Stored } from "../stores/types";
import type { ServiceContext } from "./context";
import { carriedSchemas } from "../protocol/projection";
import type { Member } from "../schema/types";
import { endpointOf } from "../schema/core";

export interface Related {
  /** User.groups, computed from memberships. */
  groups?: { id: string; display?: string }[];
  members?: Member[];
}

export function locationOf(rt: ResourceTypeDef, ctx: ServiceContext, id: string): string {
  return `${ctx.baseUrl}${rt.endpoint}/${encodeURIComponent(id)}`;
}

export function render(
  rt: ResourceTypeDef,
  mapping: ResourceMapping,
  stored: Stored,
  ctx: ServiceContext,
  related: Related = {},
): Record<string, unknown> {
  const attributes = mapping.fromRecord(stored.record);
  const schemas = carriedSchemas(rt, attributes);
  const resource: Record<string, unknown> = { schemas, id: stored.id, ...attributes };
  if (related.groups) {
    resource.groups = related.groups.map((g) => ({
      value: g.id,
      $ref: `${ctx.baseUrl}/Groups/${encodeURIComponent(g.id)}`,
      ...(g.display !== undefined ? { display: g.display } : {}),
      type: "direct",
    }));
  }
  if (related.members) resource.members = related.members.map((m) => renderMember(ctx, m));
  resource.meta = {
    resourceType: rt.name,
    created: stored.created.toISOString(),
    lastModified: stored.lastModified.toISOString(),
    location: locationOf(rt, ctx, stored.id),
    version: `W/"${stored.version}"`,
  };
  return resource;
}

/** One element of Group.members (RFC 7643 4.2). */
export function renderMember(ctx: ServiceContext, m: Member): Record<string, unknown> {
  return {
    value: m.value,
    $ref: `${ctx.baseUrl}${endpointOf(m.type)}/${encodeURIComponent(m.value)}`,
    type: m.type,
    ...(m.display !== undefined ? { display: m.display } : {}),
  };
}
