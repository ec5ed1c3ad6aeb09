import type { ProfileChoice } from "../profiles";

/** Who a request acts for, once authenticated: what it may do, in which tenant. */
export interface Principal {
  /** Granted scopes, e.g. `["get:users", "post:users"]`. Unknown strings are ignored. */
  scopes: readonly string[];
  /** Overrides the router's tenant; a token belongs to one tenant. */
  tenant?: string;
  /** A name for logs and audit (never the secret). */
  label?: string;
  /** Which credential this is, for per-token rate limits; defaults to the label. */
  tokenId?: string;
  /**
   * The client this credential is for, and so which quirks its requests may use (docs/clients.md).
   * Overrides the router's `profile` option.
   */
  profile?: ProfileChoice;
}
