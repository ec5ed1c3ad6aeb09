/** Auth0's inbound-SCIM scopes: one verb per HTTP method, one noun per resource type. */

export const VERBS = ["get", "post", "put", "patch", "delete"] as const;
export const NOUNS = ["users", "groups"] as const;

/** The HTTP verb part of a scope: `get`, `post`, `put`, `patch` or `delete`. */
export type Verb = (typeof VERBS)[number];
/** The resource part of a scope: `users` or `groups`. */
export type Noun = (typeof NOUNS)[number];
/** A scope as Auth0 spells it, e.g. `get:users`. */
export type Scope = `${Verb}:${Noun}`;

/** Every scope a token can hold: each verb with each noun. */
export const ALL_SCOPES: readonly Scope[] = VERBS.flatMap((v) => NOUNS.map((n) => `${v}:${n}` as Scope));

export function isScope(value: unknown): value is Scope {
  return typeof value === "string" && (ALL_SCOPES as readonly string[]).includes(value);
}

/**
 * The one scope a handler needs, decided when it is mounted (never from the request's method,
 * which may be HEAD or anything else). `.search` is a read, whatever its method (RFC 7644 3.4.3).
 */
export function requiredScope(verb: Verb, noun: Noun, search = false): Scope {
  return `${search ? "get" : verb}:${noun}`;
}
