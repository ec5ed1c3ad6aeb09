/** A client that follows RFC 7643/7644: no tolerance, the library's default PATCH answers. */
import { DEFAULT_PATCH_ANSWER, profile } from "./types";

export const generic = profile("generic", [], DEFAULT_PATCH_ANSWER);
