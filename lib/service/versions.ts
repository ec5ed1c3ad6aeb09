/** RFC 7644 3.14: versions travel as weak ETags; If-Match and If-None-Match compare them. */
import { preconditionFailed } from "../protocol/errors";

export const etagOf = (version: string) => `W/"${version}"`;

/** The versions named by an If-Match / If-None-Match header; `*` is returned as "*". */
function versions(header: string): string[] {
  return header
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => (t === "*" ? "*" : t.replace(/^W\//, "").replace(/^"(.*)"$/, "$1")));
}

/**
 * The version a write must find, from If-Match; undefined when the client gave none or `*`.
 * With several tags the first is used for the store's check, and any other is refused up front.
 */
export function requiredVersion(ifMatch: string | undefined, current?: string): string | undefined {
  if (!ifMatch) return undefined;
  const wanted = versions(ifMatch);
  if (wanted.includes("*")) return undefined;
  if (current !== undefined && !wanted.includes(current)) {
    throw preconditionFailed();
  }
  return current ?? wanted[0];
}

export function matchesNoneMatch(ifNoneMatch: string | undefined, current: string): boolean {
  if (!ifNoneMatch) return false;
  const tags = versions(ifNoneMatch);
  return tags.includes("*") || tags.includes(current);
}
