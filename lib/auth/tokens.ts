/**
 * Static bearer tokens from the router's options. Secrets are hashed at start-up and compared
 * in constant time over every configured token, so timing says nothing about which one is close.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { hashToken } from "./manager";
import type { Principal } from "./principal";
import { PROFILE_NAMES, resolveProfile, type ProfileChoice } from "../profiles";
import type { TokenRegistry } from "./registry";
import { isScope, type Scope } from "./scopes";

/** A static bearer token given in the `tokens` option, with its scopes and tenant. */
export interface TokenConfig {
  /** The secret a client sends as `Authorization: Bearer <token>`. Use at least 16 characters: shorter ones are accepted with a warning. */
  token: string;
  scopes: readonly Scope[];
  /** After this instant the token answers 401. */
  expiresAt?: Date;
  tenant?: string;
  label?: string;
  /** The client the token is for: its requests are read with that profile (docs/clients.md). */
  profile?: ProfileChoice;
}

/** The keys of a token entry; anything else (`expires`, `scope`) is a typo that would change what the token may do. */
const TOKEN_KEYS = [
  "token",
  "scopes",
  "expiresAt",
  "tenant",
  "label",
  "profile",
] as const satisfies readonly (keyof TokenConfig)[];

/** Below this, a static token still works but start-up warns: it is guessable. */
export const MIN_TOKEN_LENGTH = 16;

interface Entry {
  hash: Buffer;
  principal: Principal;
  expiresAt?: Date;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** Validates the configuration once, so a request never discovers a mistake. */
export function staticTokens(
  configs: readonly TokenConfig[],
  warn: (message: string) => void = () => {},
): (presented: string, now?: Date) => Principal | null {
  if (!Array.isArray(configs) || configs.length === 0) {
    throw new TypeError("express-scim: `tokens` must list at least one { token, scopes } (or pass `auth` instead).");
  }
  const seen = new Map<string, number>();
  const entries: Entry[] = configs.map((config, i) => {
    if (typeof config !== "object" || config === null)
      throw new TypeError(`express-scim: tokens[${i}] must be an object { token, scopes }.`);
    const unknown = Object.keys(config).filter((k) => !(TOKEN_KEYS as readonly string[]).includes(k));
    if (unknown.length > 0) {
      throw new TypeError(
        `express-scim: tokens[${i}] has unknown key ${JSON.stringify(unknown[0])}; known: ${TOKEN_KEYS.join(", ")}.`,
      );
    }
    if (typeof config.token !== "string" || config.token.trim() === "") {
      throw new TypeError(
        `express-scim: tokens[${i}].token must be a non-empty string (is the environment variable set?).`,
      );
    }
    const twin = seen.get(config.token);
    if (twin !== undefined)
      throw new TypeError(
        `express-scim: tokens[${i}] has the same secret as tokens[${twin}]; give each client its own token.`,
      );
    seen.set(config.token, i);
    // A weak secret is the host's call (a demo, a test), but never a silent one.
    if (config.token.length < MIN_TOKEN_LENGTH) {
      warn(
        `express-scim: tokens[${i}].token has ${config.token.length} characters; use at least ${MIN_TOKEN_LENGTH} random ones in production.`,
      );
    }
    if (!Array.isArray(config.scopes)) {
      throw new TypeError(
        `express-scim: tokens[${i}].scopes must be an array such as ["get:users", "post:users"], got ${JSON.stringify(config.scopes)}.`,
      );
    }
    const bad = (config.scopes as readonly unknown[]).filter((s) => !isScope(s));
    if (bad.length > 0)
      throw new TypeError(
        `express-scim: tokens[${i}].scopes has unknown scopes ${JSON.stringify(bad)}; use e.g. "get:users".`,
      );
    if (config.scopes.length === 0) {
      warn(`express-scim: tokens[${i}].scopes is empty: the token can read the discovery endpoints and nothing else.`);
    }
    if (
      config.expiresAt !== undefined &&
      !(config.expiresAt instanceof Date && !Number.isNaN(config.expiresAt.getTime()))
    ) {
      throw new TypeError(`express-scim: tokens[${i}].expiresAt must be a valid Date.`);
    }
    const principal: Principal = {
      scopes: [...config.scopes],
      label: config.label ?? `token #${i + 1}`,
      tokenId: `static-${i + 1}`,
    };
    if (config.tenant !== undefined) principal.tenant = config.tenant;
    if (config.profile !== undefined) {
      resolveProfile(config.profile, `tokens[${i}].profile`);
      principal.profile = config.profile;
    }
    return { hash: sha256(config.token), principal, ...(config.expiresAt ? { expiresAt: config.expiresAt } : {}) };
  });
  return (presented, now = new Date()) => {
    const hash = sha256(presented);
    let found: Entry | undefined;
    for (const entry of entries) {
      if (timingSafeEqual(hash, entry.hash) && !found) found = entry;
    }
    if (!found || (found.expiresAt && found.expiresAt <= now)) return null;
    return found.principal;
  };
}

/** Verifies presented secrets against a registry: found by hash, then checked in constant time. */
export function registryTokens(registry: TokenRegistry): (presented: string, now?: Date) => Promise<Principal | null> {
  return async (presented, now = new Date()) => {
    const hash = hashToken(presented);
    const record = await registry.findByHash(hash);
    if (!record) return null;
    const a = Buffer.from(hash, "hex");
    const b = Buffer.from(record.hash, "hex");
    if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
    if (record.revokedAt && record.revokedAt <= now) return null;
    if (record.expiresAt && record.expiresAt <= now) return null;
    const principal: Principal = {
      scopes: [...record.scopes],
      tenant: record.tenant,
      label: record.label ?? record.hint,
      tokenId: record.id,
    };
    // Checked when issued; a name this version does not know (written by a newer one) leaves
    // the choice to the router's `profile` option.
    if (record.profile !== undefined && PROFILE_NAMES.includes(record.profile))
      principal.profile = record.profile as ProfileChoice;
    return principal;
  };
}
