/**
 * compileMapping: a resource type plus mapping pairs -> a ResourceMapping, checked once at
 * start-up. No pairs means the identity mapping (the app record is the SCIM resource).
 */
import type { ResolvedFilter } from "../protocol/filter/ast";
import type { ResourceTypeDef } from "../schema/types";
import { mappedSchemas } from "./discovery";
import { mapFilter } from "./filters";
import { fromRecord as identityFromRecord, toRecord as identityToRecord } from "./identity";
import { buildModel } from "./model";
import { fromRecord, mergeRecord, toRecord } from "./records";
import { appPathOf, mapSort } from "./sort";
import type { MappingPair, ResourceMapping } from "./types";
import type { SortSpec } from "../protocol/filter/ast";

export function compileMapping(rt: ResourceTypeDef, pairs: readonly MappingPair[] | undefined): ResourceMapping {
  if (pairs === undefined) return identityMapping();
  const model = buildModel(rt, pairs, rt.name);
  return Object.freeze({
    identity: false,
    toRecord: (resource: Record<string, unknown>) => toRecord(model, resource),
    fromRecord: (record: Record<string, unknown>) => fromRecord(model, record),
    merge: (current: Record<string, unknown>, written: Record<string, unknown>) => mergeRecord(model, current, written),
    mapFilter: (filter: ResolvedFilter) => mapFilter(model, filter),
    mapSort: (sort: SortSpec) => mapSort(model, sort),
    appPathOf: (scimPath: string[]) => appPathOf(model, scimPath),
    schemas: (forType: ResourceTypeDef) => mappedSchemas(model, forType),
  });
}

function identityMapping(): ResourceMapping {
  return Object.freeze({
    identity: true,
    toRecord: identityToRecord,
    fromRecord: identityFromRecord,
    merge: (_current: Record<string, unknown>, written: Record<string, unknown>) => written,
    mapFilter: (filter: ResolvedFilter) => filter,
    mapSort: (sort: SortSpec) => sort,
    appPathOf: (scimPath: string[]) => [...scimPath],
    schemas: (forType: ResourceTypeDef) => ({ schema: forType.schema, extensions: forType.extensions }),
  });
}
