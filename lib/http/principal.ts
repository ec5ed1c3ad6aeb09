/** Turns the router's auth options into one function: request -> principal, or a 401. */
import type { Request } from "express";
import type { Principal } from "../auth/principal";
import type { TokenConfig } from "../auth/tokens";
import { isTokenRegistry, type TokenRegistry } from "../auth/registry";
import { registryTokens, staticTokens } from "../auth/tokens";
import type { ScimOptions } from "../options";
import { notFound, notAuthenticated } from "../protocol/errors";
import { bearerToken, unauthorized } from "./authenticate";
import { debugAuth } from "../debug";
import { unusableTenant } from "../values/text";
import { SCIM_DEFAULTS } from "../values/defaults";

export function authenticator(options: ScimOptions): (req: Request) => Promise<Principal> {
  if (options.tokens !== undefined && options.auth !== undefined) {
    throw new TypeError("express-scim: pass either `tokens` or `auth`, not both.");
  }
  const tenantOf = tenantResolver(options.tenant);
  if (typeof options.auth === "function") {
    const auth = options.auth;
    return async (req) => {
      const principal = await auth(req);
      if (!principal)
        throw unauthorized("Authentication required: send a valid bearer token.", bearerToken(req) !== undefined);
      return withTenant(principal, tenantOf(req));
    };
  }
  if (options.tokens === undefined)
    throw new TypeError("express-scim: pass `tokens: [{ token, scopes }]` or an `auth` function.");
  const warn = (message: string) =>
    options.logger?.warn ? options.logger.warn({}, message) : process.stderr.write(`${message}\n`);
  const verify = tokenVerifier(options.tokens, warn);
  return async (req) => {
    const token = bearerToken(req);
    if (token === undefined) {
      debugAuth("401 %s %s: no bearer token", req.method, req.originalUrl.split("?")[0]);
      throw unauthorized("Authentication required: send `Authorization: Bearer <token>`.", false);
    }
    const principal = await verify(token);
    if (!principal) {
      // Never the token itself: a failed attempt may be a real secret sent to the wrong place.
      debugAuth("401 %s %s: unknown, expired or revoked token", req.method, req.originalUrl.split("?")[0]);
      throw unauthorized("The bearer token is invalid or expired.", true);
    }
    return withTenant(principal, tenantOf(req));
  };
}

function tenantResolver(tenant: ScimOptions["tenant"]): (req: Request) => string | undefined {
  if (typeof tenant === "string" && unusableTenant(tenant)) {
    throw new TypeError(
      `express-scim: the tenant name ${JSON.stringify(tenant.slice(0, 40))} ${unusableTenant(tenant)}; no store can keep it.`,
    );
  }
  if (tenant === undefined || typeof tenant === "string") return () => tenant;
  if (typeof tenant === "function") return tenant;
  throw new TypeError("express-scim: `tenant` must be a string or a function of the request.");
}

/**
 * A token bound to a tenant only works for that tenant: used elsewhere it is answered exactly
 * like an unknown token, so nothing is learned about the other tenant.
 */
function withTenant(principal: Principal, fromRequest: string | undefined): Principal {
  if (principal.tenant !== undefined && fromRequest !== undefined && principal.tenant !== fromRequest) {
    throw unauthorized("The bearer token is invalid or expired.", true);
  }
  const tenant = principal.tenant ?? fromRequest ?? SCIM_DEFAULTS.tenant;
  if (tenant === "") throw notAuthenticated("No tenant could be determined for this request.");
  // A tenant name no store can hold (U+0000, over 128 characters) names no tenant: like an unknown id, 404.
  const unusable = unusableTenant(tenant);
  if (unusable) throw notFound(`No such tenant: its name ${unusable}.`);
  return { ...principal, tenant };
}

/**
 * `tokens` is a registry, a list of static tokens, or both in one list
 * (`[{ token: process.env.SCIM_TOKEN, scopes }, store.tokens]`): static ones are checked first.
 */
function tokenVerifier(
  tokens: NonNullable<ScimOptions["tokens"]>,
  warn: (message: string) => void,
): (presented: string) => Promise<Principal | null> {
  const list: readonly (TokenConfig | TokenRegistry)[] = isTokenRegistry(tokens)
    ? [tokens]
    : (tokens as readonly (TokenConfig | TokenRegistry)[]);
  if (!Array.isArray(list))
    throw new TypeError("express-scim: `tokens` must be a list of { token, scopes } and/or token registries.");
  const configs = list.filter((t): t is TokenConfig => !isTokenRegistry(t));
  const registries = list.filter(isTokenRegistry).map(registryTokens);
  if (configs.length === 0 && registries.length === 0) {
    throw new TypeError(
      "express-scim: `tokens` must list at least one { token, scopes } or a token registry (or pass `auth` instead).",
    );
  }
  const fixed = configs.length > 0 ? staticTokens(configs, warn) : () => null;
  return async (presented) => {
    const found = fixed(presented);
    if (found) return found;
    for (const registry of registries) {
      const principal = await registry(presented);
      if (principal) return principal;
    }
    return null;
  };
}
