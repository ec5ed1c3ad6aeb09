/**
 * Issuing, listing, rotating and revoking tokens, Auth0-style: the secret is shown once, only
 * its hash is kept, several tokens can be active at once, and expiry has a floor.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { parseDuration } from "./duration";
import type { TokenRecord, TokenRegistry } from "./registry";
import { isScope, type Scope } from "./scopes";
import { PROFILE_NAMES, resolveProfile, type ProfileChoice } from "../profiles";
import { SCIM_DEFAULTS, TOKEN_ROTATION_DEFAULTS } from "../values/defaults";

/** Recognisable in leaked-secret scanners and logs; the rest is 256 bits of randomness. */
export const TOKEN_PREFIX = "scim_";
export const MIN_EXPIRY_MS = 15 * 60 * 1000;
/** Ten years: past that a lifetime is a typo, and a date a database may not store. */
export const MAX_EXPIRY_MS = 3650 * 24 * 3600 * 1000;
const HINT_LENGTH = TOKEN_PREFIX.length + 6;

/** What `createToken` needs: the tenant, the scopes and, optionally, a name and an expiry. */
export interface CreateTokenInput {
  scopes: readonly Scope[];
  /** "90d", "12h", seconds; at least 15 minutes. Omitted: the token does not expire. */
  expiresIn?: string | number;
  tenant?: string;
  label?: string;
  /** The client profile its requests are read with, by name ("okta", "entra", "strict", ...; docs/clients.md). */
  profile?: string;
}

/** A newly issued token: the secret, shown once, and its stored record. */
export interface IssuedToken {
  /** The secret. Shown once: it cannot be recovered from the registry. */
  token: string;
  record: TokenPublic;
}

/** A record without its hash: what listing shows. */
export type TokenPublic = Omit<TokenRecord, "hash">;

/** The SHA-256 hex digest under which a token registry keeps a secret. */
export const hashToken = (secret: string) => createHash("sha256").update(secret, "utf8").digest("hex");

const publicView = ({ hash: _hash, ...rest }: TokenRecord): TokenPublic => rest;

/** What a listed token is now: the CLI and the console say it the same way. */
export function tokenState(t: TokenPublic, now: Date): "revoked" | "expired" | "rotated" | "active" {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt && t.expiresAt <= now) return "expired";
  return t.rotatedAt ? "rotated" : "active";
}

/** How `rotateToken` issues the successor of a token. */
export interface RotateOptions {
  /** How long the old token keeps working: "1h" (default), "30m", seconds. */
  grace?: string | number;
  /** Lifetime of the successor, as `createToken`'s `expiresIn`. */
  expiresIn?: string | number;
  /** Rotate a token that was already rotated (its earlier successor stays valid). */
  again?: boolean;
}

/** Issues, lists, rotates and revokes bearer tokens kept in a token registry. */
export interface TokenManager {
  /** Issues a token; the secret is returned once and only its hash is kept. */
  createToken(input: CreateTokenInput): Promise<IssuedToken>;
  /** The tokens of one tenant (or all), newest first, without hashes or secrets. */
  listTokens(tenant?: string): Promise<TokenPublic[]>;
  /** Revokes a token from the next request on; false for an unknown id. */
  revokeToken(id: string): Promise<boolean>;
  /**
   * Issues a successor with the same scopes, tenant and label, and lets the old token live on
   * for `grace` (default 1 hour) so clients can switch without downtime.
   */
  rotateToken(id: string, options?: RotateOptions): Promise<IssuedToken>;
}

/** A token manager over `registry`; `clock` is injectable for tests. */
export function tokenManager(registry: TokenRegistry, clock: () => Date = () => new Date()): TokenManager {
  const expiry = (expiresIn: string | number | undefined): Date | undefined => {
    if (expiresIn === undefined) return undefined;
    const ms = parseDuration(expiresIn);
    if (ms < MIN_EXPIRY_MS) throw new TypeError("express-scim: a token must live at least 15 minutes.");
    if (ms > MAX_EXPIRY_MS)
      throw new TypeError(
        "express-scim: a token may live at most 3650 days; leave the expiry out for a token that never expires.",
      );
    return new Date(clock().getTime() + ms);
  };

  /** Everything about a new token, checked and built before anything is written. */
  const issue = (input: CreateTokenInput): { token: string; record: TokenRecord } => {
    const bad = Array.isArray(input.scopes) ? input.scopes.filter((s) => !isScope(s)) : [input.scopes];
    if (bad.length > 0) throw new TypeError(`express-scim: unknown scopes ${JSON.stringify(bad)}.`);
    const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
    const record: TokenRecord = {
      id: randomUUID(),
      tenant: input.tenant ?? SCIM_DEFAULTS.tenant,
      scopes: [...new Set(input.scopes)],
      hash: hashToken(token),
      hint: token.slice(0, HINT_LENGTH),
      createdAt: clock(),
    };
    const expiresAt = expiry(input.expiresIn);
    if (expiresAt) record.expiresAt = expiresAt;
    if (input.label !== undefined) record.label = input.label;
    if (input.profile !== undefined) {
      if (typeof input.profile !== "string")
        throw new TypeError(`express-scim: a token's profile is a profile's name: ${PROFILE_NAMES.join(", ")}.`);
      resolveProfile(input.profile as ProfileChoice, "profile");
      record.profile = input.profile;
    }
    return { token, record };
  };

  return {
    async createToken(input) {
      const { token, record } = issue(input);
      await registry.insert(record);
      return { token, record: publicView(record) };
    },
    listTokens: async (tenant) => (await registry.list(tenant)).map(publicView),
    revokeToken: (id) => registry.revoke(id, clock()),
    async rotateToken(id, options = {}) {
      const graceMs = parseDuration(options.grace ?? TOKEN_ROTATION_DEFAULTS.grace);
      if (graceMs > MAX_EXPIRY_MS) throw new TypeError("express-scim: a grace period may last at most 3650 days.");
      const old = (await registry.list()).find((r) => r.id === id);
      if (!old || old.revokedAt) throw new TypeError(`express-scim: no active token ${id} to rotate.`);
      if (old.rotatedAt && !options.again) {
        throw new TypeError(
          `express-scim: token ${id} was already rotated at ${old.rotatedAt.toISOString()}; rotate its successor, or ask again explicitly.`,
        );
      }
      const { token, record } = issue({
        scopes: old.scopes,
        tenant: old.tenant,
        ...(old.label !== undefined ? { label: old.label } : {}),
        ...(old.profile !== undefined ? { profile: old.profile } : {}),
        ...(options.expiresIn !== undefined ? { expiresIn: options.expiresIn } : {}),
      });
      const now = clock();
      const until = new Date(now.getTime() + graceMs);
      if (registry.rotate) await registry.rotate(id, record, until, now);
      else {
        await registry.insert(record);
        await registry.expire(id, until);
      }
      return { token, record: publicView(record) };
    },
  };
}
