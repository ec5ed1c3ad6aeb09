/**
 * The OpenAPI document of a router's options: GET /openapi.json serves it, `express-scim openapi`
 * prints it, and the test suites hold every response to it. One function, so the three agree.
 */
import { openApiDocument } from "../openapi/document";
import type { OpenApiDocument } from "../openapi/types";
import { resolveCursors, resolveLimits, resolveOpenApi, type ScimOptions } from "../options";
import { setupResources } from "../service/setup";

/** The options the document depends on; the rest of scim()'s options (store, tokens) change nothing in it. */
export type OpenApiSource = Pick<
  ScimOptions,
  "schemas" | "mapping" | "userIdentity" | "limits" | "cursors" | "openapi" | "delivery"
>;

export function openApiOf(options: OpenApiSource, serverUrl?: string): OpenApiDocument {
  const setup = setupResources(options);
  const limits = resolveLimits(options.limits);
  const openapi = resolveOpenApi(options.openapi);
  return openApiDocument({
    resourceTypes: setup.discovery.resourceTypes,
    maxResults: limits.maxCount,
    defaultPageSize: limits.defaultCount,
    maxMembersPerRequest: limits.maxMembersPerRequest,
    cursorTimeout: resolveCursors(options.cursors).timeoutSeconds,
    ...(openapi ? { info: openapi } : {}),
    ...(serverUrl ? { serverUrl } : {}),
    servesDocument: openapi !== false,
    servesFeed: typeof options.delivery === "object" && options.delivery.feed === true,
  });
}
