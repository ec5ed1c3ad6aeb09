/**
 * `express-scim/store-helpers`: for authors of stores and token registries, not for apps. The
 * filter evaluation, sort order, instant reading and token hashing the built-in stores use, so a
 * store of your own answers exactly as they do (docs/writing-a-store.md).
 * @module
 */
export { evaluate as evaluateFilter, compareRecords, parseInstant } from "./protocol/filter";
export { hashToken, TOKEN_PREFIX } from "./auth/manager";
