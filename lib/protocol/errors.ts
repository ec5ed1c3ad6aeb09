/**
 * The one error type of the protocol. Everything a client can cause ends up as a ScimError;
 * anything else that escapes a request is a bug or a store failure and is rendered as a generic 500.
 */
import type { Tolerance } from "../profiles/tolerances";

/** RFC 7644 3.12, Table 9, plus the ones real clients rely on: the one list the type and the OpenAPI document read. */
export const SCIM_TYPES = [
  "invalidFilter",
  "tooMany",
  "uniqueness",
  "mutability",
  "invalidSyntax",
  "invalidPath",
  "noTarget",
  "invalidValue",
  "invalidVers",
  "sensitive",
  // RFC 9865 3.3: cursor errors.
  "invalidCursor",
  "expiredCursor",
] as const;

/** A `scimType` of a 400 (or 409 uniqueness) error: one of SCIM_TYPES. */
export type ScimType = (typeof SCIM_TYPES)[number];

export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

/** An error a client caused, rendered as a SCIM error response with its status and scimType. */
export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;
  /** Extra response headers (WWW-Authenticate on 401/403, Retry-After on 429, Allow on 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, scimType: ScimType | undefined, detail: string, headers: Record<string, string> = {}) {
    super(detail);
    this.name = "ScimError";
    this.status = status;
    this.scimType = scimType;
    this.headers = headers;
  }

  get detail(): string {
    return this.message;
  }
}

export interface ScimErrorBody {
  schemas: [typeof ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

/**
 * Previews: the one place that decides how much of what a client sent an error may quote
 * (docs/security.md). A 10 KB path or a 2 MB member id is quoted by its first characters only.
 */
export const PREVIEW_CHARS = 60;
/** Attribute paths get more: a URN-qualified one (the enterprise extension's) is about 80 characters. */
export const PATH_PREVIEW_CHARS = 160;
/** A rendered detail never exceeds this, whatever an error (a host's hook, a store) put in it. */
export const MAX_DETAIL_CHARS = 1000;

/** Client text for an error detail: its start, then "…". For text the message already quotes. */
export function clip(text: string, limit = PREVIEW_CHARS): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/**
 * A short JSON preview of any client value. Never stringifies the whole value: a 100,000-level
 * nested body would overflow the stack (a 500) and a megabyte string would end up in the
 * detail. Each nesting level prints at least one character, so the walk stops within `limit` levels.
 */
export function preview(value: unknown, limit = PREVIEW_CHARS): string {
  const walk = (v: unknown, budget: number): string => {
    if (typeof v === "string") return JSON.stringify(v.length > budget ? v.slice(0, budget) : v);
    if (v === null || typeof v !== "object" || v instanceof Date) return JSON.stringify(v) ?? String(v);
    const list = Array.isArray(v);
    let text = list ? "[" : "{";
    for (const key of list ? v.keys() : Object.keys(v)) {
      if (text.length > budget) break;
      if (text.length > 1) text += ",";
      if (!list) text += `${JSON.stringify(String(key).slice(0, budget))}:`;
      text += walk((v as Record<string | number, unknown>)[key], budget - text.length);
    }
    return text + (list ? "]" : "}");
  };
  const text = walk(value, limit);
  return text.length > limit ? `${text.slice(0, limit - 3)}...` : text;
}

/** RFC 7644 3.12: `status` is a string; Okta and Entra both expect a non-empty `detail`. */
export function errorBody(error: ScimError): ScimErrorBody {
  const body: ScimErrorBody = {
    schemas: [ERROR_SCHEMA],
    status: String(error.status),
    detail: clip(error.detail, MAX_DETAIL_CHARS) || "Error",
  };
  if (error.scimType) body.scimType = error.scimType;
  return body;
}

/*
 * Named constructors: the one home of each status and of the texts more than one module throws.
 * Store authors and hooks use them too (exported from the main entry), so a store's 404 reads
 * like the built-in stores'.
 */

/** 400 with the given `scimType` (RFC 7644 3.12). */
export const badRequest = (scimType: ScimType, detail: string) => new ScimError(400, scimType, detail);
/** 400 invalidValue: a value the server cannot accept. */
/**
 * A client quirk this request's profile does not tolerate (docs/clients.md): the RFC's 400,
 * whose detail names the rule broken and the tolerance that would accept it.
 */
export const notTolerated = (scimType: ScimType | undefined, detail: string, flag: Tolerance) =>
  new ScimError(
    400,
    scimType,
    `${detail} This server follows the RFC here for this client (tolerance "${flag}" is off; see docs/clients.md).`,
  );

export const invalidValue = (detail: string) => badRequest("invalidValue", detail);
/** 400 invalidSyntax: a body or request that does not parse. */
export const invalidSyntax = (detail: string) => badRequest("invalidSyntax", detail);
/** 400 invalidFilter: a filter the server cannot evaluate. */
export const invalidFilter = (detail: string) => badRequest("invalidFilter", detail);
/** RFC 9865 3.3: 400 invalidCursor, a cursor this server did not issue for this query. */
export const invalidCursor = (detail: string) => badRequest("invalidCursor", detail);
/** RFC 9865 3.3: 400 expiredCursor, a cursor issued longer ago than the advertised cursorTimeout. */
export const expiredCursor = (detail: string) => badRequest("expiredCursor", detail);
/** 400 tooMany: more results, members or work than the server allows in one request. */
export const tooMany = (detail: string) => badRequest("tooMany", detail);
/** 404 with the given detail. */
export const notFound = (detail: string) => new ScimError(404, undefined, detail);
/** 404 for a resource id a store does not hold; the service names the resource type (`User`, `Group`). */
export const resourceNotFound = (id: string, type = "Resource") => notFound(`${type} ${clip(id)} not found.`);
/** 409 uniqueness (RFC 7644 3.3) with the given detail. */
export const uniqueness = (detail: string) => new ScimError(409, "uniqueness", detail);
/** 409 uniqueness from a store: `what` (a column or attribute path) is already taken; the router retells it in SCIM's terms. */
export const conflict = (what: string) => uniqueness(`${what} is already taken.`);
/** 409 uniqueness as the client is told it: which of its attributes (SCIM names) clash. */
export const alreadyExists = (type: string, attributes: readonly string[]) =>
  uniqueness(`A ${type} with this ${attributes.join(" or ")} already exists.`);
/** 412 (RFC 7644 3.14): the resource is not at the version the client named in If-Match. */
export const preconditionFailed = (detail = "The resource has changed since the version given in If-Match.") =>
  new ScimError(412, undefined, detail);
/** 400 invalidValue naming (the first five of) the member ids that are no user or group of the tenant. */
export function unknownMembers(ids: readonly string[]): ScimError {
  const shown = ids
    .slice(0, 5)
    .map((id) => clip(id))
    .join(", ");
  const more = ids.length > 5 ? ` and ${ids.length - 5} more` : "";
  return invalidValue(`Unknown member ids: ${shown}${more}.`);
}
/** 503 with Retry-After: a transient failure (a busy database) the client should retry. */
export const unavailable = (detail: string, retryAfterSeconds: number) =>
  new ScimError(503, undefined, detail, { "Retry-After": String(retryAfterSeconds) });

// HTTP-level errors: the router's, kept here so every status has one home.

/** 401 with its WWW-Authenticate challenge (RFC 6750 3) when there is one. */
export const notAuthenticated = (detail: string, challenge?: string) =>
  new ScimError(401, undefined, detail, challenge === undefined ? {} : { "WWW-Authenticate": challenge });
/** 403 with its WWW-Authenticate challenge (RFC 6750 3.1: insufficient_scope). */
export const forbidden = (detail: string, challenge: string) =>
  new ScimError(403, undefined, detail, { "WWW-Authenticate": challenge });
/** 405 with the Allow header (RFC 9110 15.5.6). */
export const methodNotAllowed = (method: string, allowed: readonly string[]) =>
  new ScimError(405, undefined, `${method} is not supported here.`, { Allow: allowed.join(", ") });
/** 413: the request body is over `limit` bytes. */
export const payloadTooLarge = (limit: number) =>
  new ScimError(413, undefined, `The request body exceeds the limit of ${limit} bytes.`);
/** 415, with headers that say what is accepted. */
export const unsupportedMediaType = (detail: string, headers: Record<string, string> = {}) =>
  new ScimError(415, undefined, detail, headers);
/** 429 with Retry-After. */
export const rateLimited = (retryAfterSeconds: number) =>
  new ScimError(429, undefined, `Too many requests; retry in ${retryAfterSeconds} s.`, {
    "Retry-After": String(retryAfterSeconds),
  });
/** Another 4xx (Express's own, e.g. a malformed %-escape), told nothing more. */
export const clientError = (status: number) => new ScimError(status, undefined, "The request could not be understood.");
/** 500: the generic answer to a bug or a store failure, which tells the client nothing about the internals. */
export const internalError = () => new ScimError(500, undefined, "An internal error occurred; it has been logged.");
