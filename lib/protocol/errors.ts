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

/** RFC 7644 3.12: `status` is a string; Okta and Entra both expect a non-empty `detail`. */
export function errorBody(error: ScimError): ScimErrorBody {
  const body: ScimErrorBody = { schemas: [ERROR_SCHEMA], status: String(error.status), detail: error.detail || "Error" };
  if (error.scimType) body.scimType = error.scimType;
  return body;
}

export const badRequest = (scimType: ScimType, detail: string) => new ScimError(400, scimType, detail);
export const notFound = (detail: string) => new ScimError(404, undefined, detail);
