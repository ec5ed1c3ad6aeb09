/**
 * The `debug` namespaces (`DEBUG=express-scim:*`). They print shapes, never values that could be
 * secrets or personal data: paths and operation names, not PATCH values; no tokens; no query
 * strings in http lines; filters with every comparison value replaced by "…".
 * `EXPRESS_SCIM_DEBUG_VALUES=1` shows filter values, for local debugging only (docs/security.md).
 */
import createDebug from "debug";
import { clip } from "./protocol/errors";
import type { Filter, PatchPath } from "./protocol/filter/ast";
import { printFilter, printLiteral, printPatchPath } from "./protocol/filter/print";

export const debugHttp = createDebug("express-scim:http");
export const debugAuth = createDebug("express-scim:auth");
export const debugFilter = createDebug("express-scim:filter");
export const debugPatch = createDebug("express-scim:patch");
export const debugStore = createDebug("express-scim:store");

/** Read at each line, so a test or a REPL can turn it on and off. */
const showValues = () => process.env.EXPRESS_SCIM_DEBUG_VALUES === "1";
const hidden = () => '"…"';

/** A filter for a debug line: its attributes and operators; its values only when asked for. */
export function filterForDebug(filter: Filter): string {
  return clip(printFilter(filter, showValues() ? printLiteral : hidden), 500);
}

/** A PATCH path for a debug line: `emails[value eq "…"].display`. */
export function patchPathForDebug(path: PatchPath): string {
  return clip(printPatchPath(path, showValues() ? printLiteral : hidden), 500);
}
