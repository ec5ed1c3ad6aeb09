/**
 * The one error type of the protocol. Everything a client can cause ends up as a ScimError;
 * anything else that escapes a request is a bug or a store failure and is rendered as a generic 500.
 */

/** RFC 7644 3.12, Table 9, plus the ones real clients rely on. */
export type ScimType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers"
  | "sensitive";

export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

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
  const body: ScimErrorBody = { schemas: [ERROR_SCHEMA], status: String(error.status), detail: clip(error.detail, MAX_DETAIL_CHARS) || "Error" };
  if (error.scimType) body.scimType = error.scimType;
  return body;
}

export const badRequest = (scimType: ScimType, detail: string) => new ScimError(400, scimType, detail);
export const notFound = (detail: string) => new ScimError(404, undefined, detail);
