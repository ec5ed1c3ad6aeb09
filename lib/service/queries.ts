/** The parts of a read that the query string (or a .search body) controls, parsed once. */
import { parseAttributeList } from "../protocol/attribute-list";
import { badRequest } from "../protocol/errors";
import { parseFilter } from "../protocol/filter/parse";
import { resolveFilter } from "../protocol/filter/resolve";
import { resolveSort } from "../protocol/filter/sort";
import type { ResolvedFilter } from "../protocol/filter/ast";
import { parseCursorPaging, type Paging } from "../protocol/list";
import type { Projection } from "../protocol/projection";
import type { ResourceTypeDef } from "../schema/types";
import type { Limits } from "./context";
import type { SortSpec } from "../protocol/filter/ast";

/** Raw parameters as they arrive, from the URL or from a SearchRequest body (RFC 7644 3.4.3). */
export interface ReadParams {
  filter?: unknown;
  sortBy?: unknown;
  sortOrder?: unknown;
  startIndex?: unknown;
  count?: unknown;
  /** RFC 9865. */
  cursor?: unknown;
  attributes?: unknown;
  excludedAttributes?: unknown;
}

export interface ListRequest {
  filter?: ResolvedFilter;
  sort?: SortSpec;
  paging: Paging;
  projection: Projection;
}

/** A SearchRequest may carry attribute lists as arrays; the URL carries them comma-separated. */
export function paramText(value: unknown, name: string): string | undefined {
  return text(value, name);
}

function text(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join(",");
  if (typeof value === "string") return value;
  throw badRequest("invalidValue", `${name} must be a string.`);
}

export function parseProjection(rt: ResourceTypeDef, params: ReadParams): Projection {
  const projection: Projection = {};
  const attributes = parseAttributeList(rt, text(params.attributes, "attributes"));
  const excluded = parseAttributeList(rt, text(params.excludedAttributes, "excludedAttributes"));
  if (attributes) projection.attributes = attributes;
  if (excluded) projection.excludedAttributes = excluded;
  return projection;
}

export function parseListRequest(rt: ResourceTypeDef, params: ReadParams, limits: Limits): ListRequest {
  const filterText = text(params.filter, "filter");
  const request: ListRequest = {
    paging: parseCursorPaging(params.cursor, params.startIndex, params.count, limits),
    projection: parseProjection(rt, params),
  };
  // An empty `filter=` is read as no filter: some clients always send the parameter.
  if (filterText !== undefined && filterText.trim() !== "")
    request.filter = resolveFilter(rt, parseFilter(filterText, limits.filter));
  const sort = resolveSort(rt, text(params.sortBy, "sortBy"), text(params.sortOrder, "sortOrder"));
  if (sort) request.sort = sort;
  return request;
}
