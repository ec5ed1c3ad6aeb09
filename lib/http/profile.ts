/**
 * Which client profile serves a request (docs/clients.md): the token's, else the router's
 * `profile` option (one for all, or chosen per tenant), else "lenient", every profile's quirks.
 */
import type { Request } from "express";
import type { Principal } from "../auth/principal";
import type { ScimOptions } from "../options";
import { notTolerated } from "../protocol/errors";
import { resolveProfile, tolerates, type ResolvedProfile } from "../profiles";

export function profileResolver(
  option: ScimOptions["profile"],
): (principal: Principal, tenant: string) => ResolvedProfile {
  const fixed = typeof option === "function" ? undefined : resolveProfile(option ?? "lenient", "profile");
  const perTenant = typeof option === "function" ? option : undefined;
  return (principal, tenant) => {
    if (principal.profile !== undefined) return resolveProfile(principal.profile, "the principal's profile");
    if (perTenant) return resolveProfile(perTenant(tenant) ?? "lenient", `profile("${tenant}")`);
    return fixed!;
  };
}

/** RFC 9110 10.1.5: a user agent SHOULD send User-Agent; OneLogin sends it empty. */
export function checkUserAgent(req: Request, profile: ResolvedProfile | undefined): void {
  if ((req.get("user-agent") ?? "").trim() !== "" || tolerates(profile?.tolerances, "noUserAgent")) return;
  throw notTolerated(undefined, "The request carries no User-Agent header (RFC 9110 10.1.5).", "noUserAgent");
}
