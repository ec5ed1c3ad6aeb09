/**
 * What a router serves, compiled once from its options: each resource type with its declared
 * extensions and its mapping, the unique keys stores must enforce, and what discovery shows.
 */
import { compileMapping } from "../mapping/compile";
import type { MappingPair, ResourceMapping } from "../mapping/types";
import { groupResourceType, userResourceType } from "../schema/core";
import { declareSchema, withExtensions, type SchemaDeclaration } from "../schema/custom";
import type { ResourceTypeDef, SchemaDef } from "../schema/types";
import type { UniqueKey } from "../stores/types";
import { SCIM_DEFAULTS } from "../values/defaults";

export interface ResourceSetup {
  rt: ResourceTypeDef;
  mapping: ResourceMapping;
  /** The resource type as discovery describes it: only what is mapped. */
  shown: ResourceTypeDef;
}

export interface SetupOptions {
  mapping?: { users?: readonly MappingPair[]; groups?: readonly MappingPair[] };
  /** Extension schemas of your own, e.g. `{ users: [{ id: "urn:acme:...:User", attributes: [...] }] }`. */
  schemas?: { users?: readonly SchemaDeclaration[]; groups?: readonly SchemaDeclaration[] };
  userIdentity?: "userName" | "externalId";
}

function resource(
  base: ResourceTypeDef,
  declared: readonly SchemaDeclaration[] | undefined,
  pairs: readonly MappingPair[] | undefined,
): ResourceSetup {
  if (declared !== undefined && !Array.isArray(declared))
    throw new TypeError(`express-scim: schemas.${base.endpoint.slice(1).toLowerCase()} must be an array.`);
  const rt = declared?.length
    ? withExtensions(
        base,
        declared.map((d) => declareSchema(d)),
      )
    : base;
  const mapping = compileMapping(rt, pairs);
  const { schema, extensions } = mapping.schemas(rt);
  return { rt, mapping, shown: { ...rt, schema, extensions } };
}

export function setupResources(options: SetupOptions) {
  const users = resource(userResourceType, options.schemas?.users, options.mapping?.users);
  const groups = resource(groupResourceType, options.schemas?.groups, options.mapping?.groups);
  const identity = options.userIdentity ?? SCIM_DEFAULTS.userIdentity;
  if (identity !== "userName" && identity !== "externalId")
    throw new TypeError('express-scim: userIdentity must be "userName" or "externalId".');
  const key = (setup: ResourceSetup, scim: string, caseExact: boolean): UniqueKey => {
    const path = setup.mapping.appPathOf([scim]);
    if (!path)
      throw new TypeError(
        `express-scim: ${setup.rt.name}.${scim} must be mapped: it is unique and clients look resources up by it.`,
      );
    return { path, caseExact };
  };
  // RFC 7643 4.1.1: userName is unique and case-insensitive; externalId is case-exact (3.1).
  const uniqueKeys = {
    users: [key(users, "userName", false), ...(identity === "externalId" ? [key(users, "externalId", true)] : [])],
    groups: [key(groups, "displayName", false)],
  };
  const shown = [users.shown, groups.shown];
  const schemas: SchemaDef[] = [
    ...new Map(
      shown.flatMap((rt) => [rt.schema, ...rt.extensions.map((e) => e.schema)]).map((s) => [s.id, s]),
    ).values(),
  ];
  return { users, groups, identity, uniqueKeys, discovery: { resourceTypes: shown, schemas } };
}
