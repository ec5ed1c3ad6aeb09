/**
 * Query parameters read from the raw URL, the same way under Express 4 (qs) and 5: `+` and
 * `%20` both decode to a space, and a repeated parameter keeps its first value.
 */
import type { Request } from "express";
import { MEMBER_PAGE_PARAMS } from "../protocol/member-page";
import type { ReadParams } from "../service/queries";

const NAMES = [
  "filter",
  "sortBy",
  "sortOrder",
  "startIndex",
  "count",
  "cursor",
  "attributes",
  "excludedAttributes",
] as const;

export function queryParams(req: Request): ReadParams & Record<string, string | undefined> {
  return rawParams(req, NAMES);
}

function rawParams(req: Request, names: readonly string[]): Record<string, string | undefined> {
  const at = req.originalUrl.indexOf("?");
  const search = new URLSearchParams(at === -1 ? "" : req.originalUrl.slice(at + 1));
  const params: Record<string, string | undefined> = {};
  // Parameter names are matched case-insensitively: clients write `startindex` and `Filter`.
  for (const [key, value] of search) {
    const name = names.find((n) => n.toLowerCase() === key.toLowerCase());
    if (name && params[name] === undefined) params[name] = value;
  }
  return params;
}

/** GET /Groups/{id}: paging of the member list (lib/protocol/member-page.ts). */
export function memberPageParams(req: Request): { count?: string; cursor?: string } {
  const raw = rawParams(req, Object.values(MEMBER_PAGE_PARAMS));
  return { count: raw[MEMBER_PAGE_PARAMS.count], cursor: raw[MEMBER_PAGE_PARAMS.cursor] };
}

/** Only `attributes` and `excludedAttributes` apply to single-resource responses. */
export function projectionParams(req: Request): ReadParams {
  const { attributes, excludedAttributes } = queryParams(req);
  return { attributes, excludedAttributes };
}

/** True when the client asked for specific attributes (then a group PATCH answers with the resource). */
export function asksForAttributes(params: ReadParams): boolean {
  return params.attributes !== undefined || params.excludedAttributes !== undefined;
}
