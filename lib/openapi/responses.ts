/**
 * What every error looks like (RFC 7644 3.12): one response per status the router answers, each
 * a SCIM error whose `status` is that status, with the headers that come with it.
 */
import type { JsonSchema } from "./types";
import { ref } from "./messages";

const header = (description: string, required = false): JsonSchema => ({
  description,
  ...(required ? { required: true } : {}),
  schema: { type: "string" },
});

/** Response headers, by name: `#/components/headers/<name>`. */
export const HEADERS: Record<string, JsonSchema> = {
  ETag: header("The resource's version (RFC 7644 3.14), for If-Match and If-None-Match.", true),
  Location: header("The new resource's URL.", true),
  Link: header('The next page of the group\'s members: `<url>; rel="next"` (docs/groups.md).'),
  "WWW-Authenticate": header("The Bearer challenge (RFC 6750 3)."),
  "Retry-After": header("Seconds to wait before retrying.", true),
  Allow: header("The methods this path serves.", true),
};

const ERRORS: Record<string, { description: string; headers?: string[] }> = {
  400: { description: "The request is not one the service can carry out; `scimType` says why." },
  401: { description: "No valid bearer token.", headers: ["WWW-Authenticate"] },
  403: { description: "The token lacks the scope this operation needs.", headers: ["WWW-Authenticate"] },
  404: { description: "No such resource." },
  405: { description: "The method is not served at this path.", headers: ["Allow"] },
  409: { description: "Another resource already has this unique value (`scimType` uniqueness)." },
  412: { description: "The resource is no longer at the version named in If-Match." },
  413: { description: "The request body is larger than the service accepts." },
  415: { description: "The request body's media type or encoding is not accepted." },
  429: { description: "Too many requests: retry after the delay given.", headers: ["Retry-After"] },
  500: { description: "An unexpected failure; the body names nothing internal." },
  503: { description: "A transient failure (a busy database): retry after the delay given.", headers: ["Retry-After"] },
  "4XX": { description: "Another client error, in the SCIM error format." },
  "5XX": { description: "Another server error, in the SCIM error format." },
};

/** A status's error response: `#/components/responses/Error<status>`. */
export const errorResponse = (status: string): JsonSchema => ({ $ref: `#/components/responses/Error${status}` });

export const SCIM_JSON = "application/scim+json";

export function errorResponses(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const [status, { description, headers = [] }] of Object.entries(ERRORS)) {
    const schema = /^\d+$/.test(status)
      ? { allOf: [ref("Error"), { properties: { status: { const: status } } }] }
      : ref("Error");
    out[`Error${status}`] = {
      description,
      ...(headers.length
        ? { headers: Object.fromEntries(headers.map((h) => [h, { $ref: `#/components/headers/${h}` }])) }
        : {}),
      content: { [SCIM_JSON]: { schema } },
    };
  }
  return out;
}

/** Every operation may meet these: a bad token, the rate limit, a failure, and any other error. */
export const COMMON_ERRORS = ["401", "429", "500", "503", "4XX", "5XX"];
