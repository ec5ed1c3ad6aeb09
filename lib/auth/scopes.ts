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

/** The one scope a request needs. `.search` is a read, whatever its method (RFC 7644 3.4.3). */
export function requiredScope(method: string, noun: Noun, search = false): Scope | undefined {
  if (search) return `get:${noun}`;
  const verb = method.toLowerCase();
  return (VERBS as readonly string[]).includes(verb) ? (`${verb}:${noun}` as Scope) : undefined;
}
