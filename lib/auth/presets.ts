/**
 * Scope sets for the clients people connect (clients.md, and Auth0's defaults for each).
 * Grant the preset that matches how the client is configured; nothing more.
 */
import type { ProfileName } from "../profiles";
import type { Scope } from "./scopes";

/** Named scope sets, one per client and how it is configured (`oktaSaml`, `oktaTemplate`, `entra`). */
export const SCOPE_PRESETS = {
  /** Okta custom SAML/SWA app: deactivates with PUT, pushes whole groups with POST/PUT, deletes pushed groups. */
  oktaSaml: ["get:users", "post:users", "put:users", "get:groups", "post:groups", "put:groups", "delete:groups"],
  /** Okta "(OAuth Bearer Token) Governance with SCIM 2.0" template app: PATCH for users and groups. */
  oktaTemplate: [
    "get:users",
    "post:users",
    "put:users",
    "patch:users",
    "get:groups",
    "post:groups",
    "put:groups",
    "patch:groups",
    "delete:groups",
  ],
  /** Microsoft Entra ID: PATCH for updates, DELETE for hard deletes, never PUT. */
  entra: [
    "get:users",
    "post:users",
    "patch:users",
    "delete:users",
    "get:groups",
    "post:groups",
    "patch:groups",
    "delete:groups",
  ],
} as const satisfies Record<string, readonly Scope[]>;

/**
 * The client profile of each preset's IdP: `{ token, scopes: SCOPE_PRESETS.entra, profile: PRESET_PROFILES.entra }`
 * reads that token's requests with Entra's quirks only (docs/clients.md).
 */
export const PRESET_PROFILES = {
  oktaSaml: "okta",
  oktaTemplate: "okta",
  entra: "entra",
} as const satisfies Record<keyof typeof SCOPE_PRESETS, ProfileName>;
