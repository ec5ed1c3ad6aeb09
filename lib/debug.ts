/**
 * The `debug` namespaces (`DEBUG=express-scim:*`). They print shapes, never values that could be
 * secrets: paths and operation names, not PATCH values; no tokens; no query strings in http lines.
 */
import createDebug from "debug";

export const debugHttp = createDebug("express-scim:http");
export const debugAuth = createDebug("express-scim:auth");
export const debugFilter = createDebug("express-scim:filter");
export const debugPatch = createDebug("express-scim:patch");
export const debugStore = createDebug("express-scim:store");
