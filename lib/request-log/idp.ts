/**
 * Which identity provider sent a request, for grouping the log: the token's label first (hosts
 * name tokens after the IdP they gave them to), then the User-Agent header.
 */
const IDPS: readonly (readonly [name: string, pattern: RegExp])[] = [
  ["Okta", /okta/i],
  ["Entra", /entra|azure|microsoft|aad/i],
  ["JumpCloud", /jumpcloud/i],
  ["OneLogin", /onelogin/i],
  ["Rippling", /rippling/i],
  ["Auth0", /auth0/i],
  ["Google", /google/i],
];

export function idpOf(label: string | undefined, userAgent: string | undefined): string {
  for (const text of [label, userAgent]) {
    if (!text) continue;
    const found = IDPS.find(([, pattern]) => pattern.test(text));
    if (found) return found[0];
  }
  return "other";
}
