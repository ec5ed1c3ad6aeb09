/**
 * Bearer authentication and scope checks (RFC 6750 3), adapted to Express in one place.
 * Both failures are ScimErrors carrying their WWW-Authenticate header, so routes only throw.
 */
import type { Request } from "express";
import type { Principal } from "../auth/principal";
import type { Scope } from "../auth/scopes";
import { type ScimError, notAuthenticated, forbidden } from "../protocol/errors";

const REALM = 'Bearer realm="SCIM"';

export function unauthorized(detail: string, invalidToken: boolean): ScimError {
  const challenge = invalidToken ? `${REALM}, error="invalid_token"` : REALM;
  return notAuthenticated(detail, challenge);
}

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== "string") return undefined;
  const [scheme, ...rest] = header.trim().split(/\s+/);
  if (scheme?.toLowerCase() !== "bearer" || rest.length !== 1) return undefined;
  return rest[0];
}

export function requireScope(principal: Principal, scope: Scope): void {
  if (principal.scopes.includes(scope)) return;
  throw forbidden(
    `insufficient_scope: this token lacks the "${scope}" scope.`,
    `${REALM}, error="insufficient_scope", scope="${scope}"`,
  );
}

/** The scopes of `wanted` the principal holds; 403 naming them all when it holds none. */
export function requireAnyScope(principal: Principal, wanted: readonly Scope[]): Scope[] {
  const held = wanted.filter((s) => principal.scopes.includes(s));
  if (held.length > 0) return held;
  throw forbidden(
    `insufficient_scope: this token has none of the scopes ${wanted.map((s) => `"${s}"`).join(", ")}.`,
    `${REALM}, error="insufficient_scope", scope="${wanted.join(" ")}"`,
  );
}
