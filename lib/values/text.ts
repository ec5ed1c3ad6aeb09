/**
 * What a string must be for every store to keep it, decided once, above the stores: the memory
 * store keeps any JavaScript string, SQLite almost any, PostgreSQL refuses U+0000 (text and
 * jsonb), unpaired surrogates (jsonb) and index entries over 2,704 bytes. Rather than answering
 * a 500 on one store and a 201 on another, the router refuses such input the same way everywhere
 * (docs/stores.md, "Values every store accepts").
 */

/**
 * userName, displayName and externalId: the values stores index (and keep unique) are at most
 * this many characters. 512 characters of the widest kind (4 UTF-8 bytes each, folding never
 * widens one beyond that) plus a tenant name fit one PostgreSQL btree entry; 1,024 would not.
 * Real values are far shorter: Okta logins and Entra userPrincipalNames stay under 256.
 */
export const MAX_INDEXED_LENGTH = 512;
/** Attributes held to MAX_INDEXED_LENGTH, in SCIM terms (top level of a User or Group). */
export const INDEXED_ATTRIBUTES = ["userName", "displayName", "externalId"] as const;
/** Tenant names share every index entry with the indexed values above. */
export const MAX_TENANT_LENGTH = 128;

/** Why no store could keep `text`, or undefined when every store can. */
export function unstorable(text: string): string | undefined {
  if (text.includes("\u0000")) return "contains U+0000 (NUL)";
  if (!(text as string & { isWellFormed(): boolean }).isWellFormed())
    return "contains an unpaired UTF-16 surrogate, which is not a character";
  return undefined;
}

/** Length in characters (code points), as a user counts them and the limits are documented. */
export function characters(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * The first string in a JSON value (keys included) that no store could keep, with where it is
 * (`emails[0].value`), or undefined. Iterative, so a deeply nested body cannot overflow the stack.
 */
export function findUnstorable(value: unknown): { at: string; reason: string } | undefined {
  const stack: [unknown, string][] = [[value, ""]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === "string") {
      const reason = unstorable(v);
      if (reason) return { at, reason };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}[${i}]`]);
    } else if (v !== null && typeof v === "object") {
      for (const [key, inner] of Object.entries(v).reverse()) {
        const where = at === "" ? key : `${at}.${key}`;
        const reason = unstorable(key);
        if (reason) return { at: where, reason: `has a name that ${reason}` };
        stack.push([inner, where]);
      }
    }
  }
  return undefined;
}

/** The first indexed attribute of a SCIM resource over MAX_INDEXED_LENGTH, with its length. */
export function overLong(resource: Record<string, unknown>): { attribute: string; length: number } | undefined {
  for (const attribute of INDEXED_ATTRIBUTES) {
    const value = resource[attribute];
    // Cheap test first: a string of at most MAX code units has at most MAX characters.
    if (typeof value === "string" && value.length > MAX_INDEXED_LENGTH) {
      const length = characters(value);
      if (length > MAX_INDEXED_LENGTH) return { attribute, length };
    }
  }
  return undefined;
}

/** Why a tenant name cannot be used by any store, or undefined when it can. */
export function unusableTenant(tenant: string): string | undefined {
  if (tenant.length > MAX_TENANT_LENGTH && characters(tenant) > MAX_TENANT_LENGTH)
    return `is longer than ${MAX_TENANT_LENGTH} characters`;
  return unstorable(tenant);
}
