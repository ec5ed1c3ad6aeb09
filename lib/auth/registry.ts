/**
 * The token registry: where issued tokens live, as hashes. Pluggable like stores: in memory for
 * one process, in a SQL table so tokens survive restarts and are shared by app instances.
 */
import type { Scope } from "./scopes";

/** One issued token as a registry keeps it: the hash of its secret, never the secret. */
export interface TokenRecord {
  /** Public handle, for listing and revoking. Never the secret. */
  id: string;
  tenant: string;
  label?: string;
  scopes: Scope[];
  /** SHA-256 of the secret, hex. The secret itself is never stored. */
  hash: string;
  /** The first characters of the secret, so a leaked token can be matched to its record. */
  hint: string;
  createdAt: Date;
  expiresAt?: Date;
  revokedAt?: Date;
  /** When a successor was issued for this token (rotation); it then lives only for the grace period. */
  rotatedAt?: Date;
  /**
   * The client profile its requests are read with (docs/clients.md), by name: "okta", "entra",
   * "strict", ... Omitted: the router's `profile` option decides.
   */
  profile?: string;
}

/** Where issued tokens live; the memory registry and the SQL stores implement it. */
export interface TokenRegistry {
  /** Stores a newly issued token. */
  insert(record: TokenRecord): Promise<void>;
  /** Looks a presented token up by the hash of what was presented. */
  findByHash(hash: string): Promise<TokenRecord | null>;
  /** Every record (of one tenant when given), revoked ones included, newest first. */
  list(tenant?: string): Promise<TokenRecord[]>;
  /** Marks revoked; false when no such id. Revoking twice keeps the first instant. */
  revoke(id: string, at: Date): Promise<boolean>;
  /** Shortens a token's life (rotation): the earlier of its current expiry and `at`. */
  expire(id: string, at: Date): Promise<boolean>;
  /**
   * Rotation as one write: inserts `successor`, shortens `id`'s life to `until` (as `expire`) and
   * marks it rotated at `at`; both happen or neither does. Registries without it rotate in two
   * writes (insert, then expire) and cannot tell a rotated token from another.
   */
  rotate?(id: string, successor: TokenRecord, until: Date, at: Date): Promise<void>;
}

export function isTokenRegistry(value: unknown): value is TokenRegistry {
  const r = value as TokenRegistry | undefined;
  return (
    !!r &&
    typeof r === "object" &&
    !Array.isArray(r) &&
    typeof r.findByHash === "function" &&
    typeof r.insert === "function"
  );
}
