/** The SCIM filter engine (RFC 7644 3.4.2.2) and sort (RFC 7644 3.4.2.3): pure functions. */
export * from "./ast";
export { parseFilter, parsePatchPath } from "./parse";
export { resolveFilter, resolveValueFilter, resolveAttrPath } from "./resolve";
export { evaluate, isPresent, parseInstant } from "./evaluate";
export { resolveSort, compareRecords } from "./sort";
export { printFilter, printAttrPath, printPatchPath, printLiteral } from "./print";
