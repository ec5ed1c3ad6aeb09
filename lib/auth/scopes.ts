/** Auth0's inbound-SCIM scopes: one verb per HTTP method, one noun per resource type. */

export const VERBS = ["get", "post", "put", "patch", "delete"] as const;
export const NOUNS = ["users", "groups"] as const;

export type Verb = (typeof VERBS)[number];
export type Noun = (typeof NOUNS)[number];
export type Scope = `${Verb}:${Noun}`;

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
