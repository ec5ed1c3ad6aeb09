/** Auth0's inbound-SCIM scopes: one verb per HTTP method, one noun per resource type. */

export const VERBS = ["get", "post", "put", "patch", "delete"] as const;
export const NOUNS = ["users", "groups"] as const;

/** The HTTP verb part of a scope: `get`, `post`, `put`, `patch` or `delete`. */
export type Verb = (typeof VERBS)[number];
/** The resource part of a scope: `users` or `groups`. */
export type Noun = (typeof NOUNS)[number];
/** Reading the event feed (`GET /Events`, docs/events.md): no identity provider needs it, so no preset grants it. */
export const FEED_SCOPE = "get:events";

/** A scope as Auth0 spells it, e.g. `get:users`; or the feed's. */
export type Scope = `${Verb}:${Noun}` | typeof FEED_SCOPE;

/** Every provisioning scope: each verb with each noun (the feed's is apart: FEED_SCOPE). */
export const ALL_SCOPES: readonly Scope[] = VERBS.flatMap((v) => NOUNS.map((n) => `${v}:${n}` as Scope));

export function isScope(value: unknown): value is Scope {
  return typeof value === "string" && (value === FEED_SCOPE || (ALL_SCOPES as readonly string[]).includes(value));
}

/**
 * The one scope a handler needs, decided when it is mounted (never from the request's method,
 * which may be HEAD or anything else). `.search` is a read, whatever its method (RFC 7644 3.4.3).
 */
export function requiredScope(verb: Verb, noun: Noun, search = false): `${Verb}:${Noun}` {
  return `${search ? "get" : verb}:${noun}`;
}
