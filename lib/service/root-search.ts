/**
 * RFC 7644 3.4.2 and 3.4.3: a query at the service root (`GET /?filter=...`, `POST /.search`)
 * searches every resource type the caller may read, as one list. Each type answers with its own
 * service (its mapping, its store, its projection); this module only splits the request per type
 * and joins the answers:
 * - the filter is applied to each type with the attributes that type does not define read as
 *   unassigned (narrow.ts); an attribute no type defines is still 400 invalidFilter;
 * - without sortBy, the order is Users, then Groups, each in its usual list order (creation);
 * - with sortBy, resources are merged by that attribute (RFC 3.4.2.3 ordering, missing values
 *   last ascending, first descending), ties broken by resource type (Users first), then by each
 *   type's own order. A type that does not define the attribute has it missing everywhere.
 */
import { badRequest, invalidFilter, tooMany } from "../protocol/errors";
import type { Filter } from "../protocol/filter/ast";
import { attrPathsOf, narrowFilter } from "../protocol/filter/narrow";
import { parseFilter, splitAttrPath } from "../protocol/filter/parse";
import { printAttrPath } from "../protocol/filter/print";
import { knowsAttrPath, resolveFilter } from "../protocol/filter/resolve";
import { compareSortKeys, resolveSort, sortKeyOf, type SortKey } from "../protocol/filter/sort";
import { listResponse, parsePaging, type ListResponse, type Paging } from "../protocol/list";
import { locateAttribute } from "../schema/resolve";
import type { ResourceTypeDef } from "../schema/types";
import type { Limits, ServiceContext } from "./context";
import { paramText, parseProjection, type ReadParams } from "./queries";
import type { PageRequest, ResourceService } from "./service";
import type { SortSpec } from "../protocol/filter/ast";

interface Part {
  service: ResourceService;
  request: PageRequest;
}

/**
 * `services`: every resource type the router serves, in the root's type order, with whether the
 * caller may read it. The request is checked against all of them, so its errors do not depend
 * on the token's scopes; only readable types are queried.
 */
export async function searchRoot(
  ctx: ServiceContext,
  services: readonly { service: ResourceService; readable: boolean }[],
  params: ReadParams,
  limits: Limits,
): Promise<ListResponse<Record<string, unknown>>> {
  const served = services.map((s) => s.service.rt);
  const paging = parsePaging(params.startIndex, params.count, limits);
  // RFC 9865 is for one resource type's endpoint; a root search mixes types in one order.
  if (params.cursor !== undefined && params.cursor !== null)
    throw badRequest("invalidValue", "Cursor pagination is offered on /Users and /Groups, not at the service root.");
  const filterText = paramText(params.filter, "filter");
  const filter =
    filterText !== undefined && filterText.trim() !== "" ? parseFilter(filterText, limits.filter) : undefined;
  if (filter) checkKnownSomewhere(filter, served);
  const sortBy = paramText(params.sortBy, "sortBy")?.trim() || undefined;
  const sortOrder = paramText(params.sortOrder, "sortOrder");
  if (sortBy !== undefined && !served.some((rt) => definesSortBy(rt, sortBy))) {
    throw badRequest("invalidValue", `Unknown sortBy attribute "${sortBy.slice(0, 200)}" for any resource type`);
  }
  const all = services.map(({ service, readable }) => ({
    readable,
    service,
    request: partRequest(service.rt, filter, sortBy, sortOrder, params, paging),
  }));
  const parts: Part[] = all.filter((p) => p.readable);
  if (sortBy === undefined || parts.length === 1) return concatenated(ctx, parts, paging);
  return merged(ctx, parts, paging, limits);
}

function partRequest(
  rt: ResourceTypeDef,
  filter: Filter | undefined,
  sortBy: string | undefined,
  sortOrder: string | undefined,
  params: ReadParams,
  paging: Paging,
): PageRequest {
  const request: PageRequest = { paging, projection: parseProjection(rt, params) };
  const narrowed = filter ? narrowFilter(rt, filter) : true;
  if (narrowed === false) request.filter = false;
  else if (narrowed !== true) request.filter = resolveFilter(rt, narrowed);
  // resolveSort also checks sortOrder, even where this type cannot sort by sortBy.
  const sort = resolveSort(rt, sortBy !== undefined && definesSortBy(rt, sortBy) ? sortBy : undefined, sortOrder);
  if (sort) request.sort = sort;
  return request;
}

/** A typo is the client's mistake, not an empty result: 400 when no served type defines a tested attribute. */
function checkKnownSomewhere(filter: Filter, served: readonly ResourceTypeDef[]): void {
  for (const attrPath of attrPathsOf(filter)) {
    if (!served.some((rt) => knowsAttrPath(rt, attrPath))) {
      throw invalidFilter(`Unknown attribute "${printAttrPath(attrPath)}" for any resource type`);
    }
  }
}

function definesSortBy(rt: ResourceTypeDef, sortBy: string): boolean {
  const attrPath = splitAttrPath(sortBy);
  return typeof attrPath !== "string" && locateAttribute(rt, attrPath) !== undefined;
}

/** Users, then Groups: each type is asked once, for the part of the page that falls in it. */
async function concatenated(
  ctx: ServiceContext,
  parts: Part[],
  paging: Paging,
): Promise<ListResponse<Record<string, unknown>>> {
  let skip = paging.startIndex - 1;
  let room = paging.count;
  let total = 0;
  const resources: Record<string, unknown>[] = [];
  for (const { service, request } of parts) {
    const page = await service.page(ctx, { ...request, paging: { startIndex: skip + 1, count: room } });
    total += page.total;
    resources.push(...page.items.map((i) => i.body));
    room -= page.items.length;
    skip = Math.max(0, skip - page.total);
  }
  return listResponse(total, paging, resources);
}

/**
 * Sorted across types: each type gives its first startIndex + count - 1 resources in order and
 * the heads are merged, so page n is always a slice of the same merged order. That window is
 * bounded by maxCount: deeper pages of a sorted root search are refused, not scanned.
 */
async function merged(
  ctx: ServiceContext,
  parts: Part[],
  paging: Paging,
  limits: Limits,
): Promise<ListResponse<Record<string, unknown>>> {
  const window = paging.startIndex - 1 + paging.count;
  if (paging.count > 0 && window > limits.maxCount) {
    throw tooMany(
      `A sorted search from the service root reaches at most the first ${limits.maxCount} results; narrow the filter, or search /Users and /Groups separately.`,
    );
  }
  const lists: { key: SortKey | undefined; body: Record<string, unknown> }[][] = [];
  let total = 0;
  let descending = false;
  for (const { service, request } of parts) {
    const page = await service.page(ctx, {
      ...request,
      paging: { startIndex: 1, count: paging.count > 0 ? window : 0 },
    });
    total += page.total;
    const spec: SortSpec | undefined = request.sort;
    if (spec) descending = spec.descending;
    lists.push(page.items.map((i) => ({ key: spec ? sortKeyOf(i.view, spec) : undefined, body: i.body })));
  }
  const order: Record<string, unknown>[] = [];
  const heads = lists.map(() => 0);
  while (order.length < window) {
    let best = -1;
    for (let t = 0; t < lists.length; t++) {
      const head = lists[t]![heads[t]!];
      if (!head) continue;
      // Strictly smaller only: on a tie the earlier type (Users) goes first.
      if (best < 0 || compareSortKeys(head.key, lists[best]![heads[best]!]!.key, descending) < 0) best = t;
    }
    if (best < 0) break;
    order.push(lists[best]![heads[best]!]!.body);
    heads[best]! += 1;
  }
  return listResponse(total, paging, order.slice(paging.startIndex - 1));
}
