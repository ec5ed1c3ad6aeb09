/** /Users and /Groups: list, .search, create, get, replace, patch, delete (RFC 7644 3.2-3.6). */
import type { Request, Router } from "express";
import { requiredScope, type Noun, type Verb } from "../auth/scopes";
import { invalidSyntax } from "../protocol/errors";
import { listPageJson } from "../protocol/list";
import type { ResolvedLimits } from "../options";
import { GroupService, type GroupRead } from "../service/groups";
import type { ServiceContext } from "../service/context";
import { MEMBER_PAGE_PARAMS, parseMemberPaging } from "../protocol/member-page";
import { resourceJson } from "../protocol/streamed-resource";
import { parseProjection, type ReadParams } from "../service/queries";
import { locationOf } from "../service/render";
import type { NotModified } from "../service/service";
import type { UserService } from "../service/users";
import { etagOf } from "../service/versions";
import { DEFAULT_PATCH_ANSWER } from "../profiles";
import { readJson } from "./body";
import { asksForAttributes, memberPageParams, projectionParams, queryParams } from "./params";
import { send, sendPieces } from "./respond";
import { mount, param, type RouteFactory } from "./route";

/** RFC 7644 3.4.3: a SearchRequest carries the query parameters in its body. */
export function searchParams(body: unknown): ReadParams {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidSyntax("A SearchRequest body must be a JSON object.");
  }
  const { filter, sortBy, sortOrder, startIndex, count, cursor, attributes, excludedAttributes } = body as Record<
    string,
    unknown
  >;
  return { filter, sortBy, sortOrder, startIndex, count, cursor, attributes, excludedAttributes };
}

export function mountResourceRoutes(
  router: Router,
  route: RouteFactory,
  path: "/Users" | "/Groups",
  noun: Noun,
  service: UserService | GroupService,
  limits: ResolvedLimits,
): void {
  const rt = service.rt;
  // Per-route body limits: group bodies carry member lists, user bodies never need as much.
  const bodyLimit = noun === "users" ? Math.min(limits.bodyBytes, limits.userBodyBytes) : limits.bodyBytes;
  const searchLimit = Math.min(limits.bodyBytes, limits.searchBodyBytes);
  // RFC 7644 3.5.2 allows 200 with the resource or 204; the client's profile says which it prefers
  // (by default users 200, groups 204 as Entra prefers). Asking for attributes always gets them.
  const patchAnswer = (ctx: ServiceContext) => (ctx.profile?.patchAnswer ?? DEFAULT_PATCH_ANSWER)[noun];
  const patchAnswers = (params: ReadParams, ctx: ServiceContext) =>
    noun === "users" || patchAnswer(ctx) === 200 || asksForAttributes(params);

  const scope = (verb: Verb) => requiredScope(verb, noun);
  const read = async (req: Request, ctx: ServiceContext): Promise<GroupRead | NotModified> => {
    if (!(service instanceof GroupService))
      return service.get(ctx, param(req), projectionParams(req), req.get("if-none-match"));
    const { count, cursor } = memberPageParams(req);
    const paging = parseMemberPaging(count, cursor, limits.maxMembersPerRequest);
    return service.read(ctx, param(req), projectionParams(req), paging, req.get("if-none-match"));
  };

  mount(router, route, `${path}/.search`, {
    post: {
      scope: requiredScope("post", noun, true),
      handle: async (req, res, ctx) =>
        sendPieces(res, 200, listPageJson(await service.list(ctx, searchParams(await readJson(req, searchLimit))))),
    },
  });
  mount(router, route, path, {
    get: {
      scope: scope("get"),
      handle: async (req, res, ctx) => sendPieces(res, 200, listPageJson(await service.list(ctx, queryParams(req)))),
    },
    post: {
      scope: scope("post"),
      handle: async (req, res, ctx) => {
        const projection = parseProjection(rt, projectionParams(req));
        const created = await service.create(ctx, await readJson(req, bodyLimit), projection);
        send(res, 201, created.body, {
          ETag: etagOf(created.version),
          Location: locationOf(rt, ctx, String(created.body.id)),
        });
      },
    },
  });
  mount(router, route, `${path}/:id`, {
    get: {
      scope: scope("get"),
      handle: async (req, res, ctx) => {
        const found = await read(req, ctx);
        const headers: Record<string, string> = { ETag: etagOf(found.version) };
        if ("notModified" in found) return send(res, 304, undefined, headers);
        if (found.nextCursor) headers.Link = `<${nextMembersUrl(req, ctx, found.nextCursor)}>; rel="next"`;
        if (found.members) return sendPieces(res, 200, resourceJson(found.body, "members", found.members), headers);
        send(res, 200, found.body, headers);
      },
    },
    put: {
      scope: scope("put"),
      handle: async (req, res, ctx) => {
        const projection = parseProjection(rt, projectionParams(req));
        const replaced = await service.replace(
          ctx,
          param(req),
          await readJson(req, bodyLimit),
          req.get("if-match"),
          projection,
        );
        send(res, 200, replaced.body, { ETag: etagOf(replaced.version) });
      },
    },
    patch: {
      scope: scope("patch"),
      handle: async (req, res, ctx) => {
        const body = await readJson(req, bodyLimit);
        const params = projectionParams(req);
        const projection = patchAnswers(params, ctx) ? parseProjection(rt, params) : undefined;
        const patched = await service.patch(ctx, param(req), body, req.get("if-match"), projection!);
        if (!patched || (patchAnswer(ctx) === 204 && !asksForAttributes(params))) return send(res, 204);
        send(res, 200, patched.body, { ETag: etagOf(patched.version) });
      },
    },
    delete: {
      scope: scope("delete"),
      handle: async (req, res, ctx) => {
        await service.delete(ctx, param(req), req.get("if-match"));
        send(res, 204);
      },
    },
  });
}

/** The request's own URL with the next member cursor: the same projection and page size, one page on. */
function nextMembersUrl(req: Request, ctx: ServiceContext, cursor: string): string {
  const at = req.originalUrl.indexOf("?");
  const search = new URLSearchParams(at === -1 ? "" : req.originalUrl.slice(at + 1));
  for (const key of [...search.keys()])
    if (key.toLowerCase() === MEMBER_PAGE_PARAMS.cursor.toLowerCase()) search.delete(key);
  search.set(MEMBER_PAGE_PARAMS.cursor, cursor);
  return `${ctx.baseUrl}/Groups/${encodeURIComponent(param(req))}?${search}`;
}
