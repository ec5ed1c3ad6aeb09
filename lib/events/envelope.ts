/**
 * An event as it leaves the outbox: what webhooks carry as their JSON body, what the feed returns
 * and what durable listeners receive. Recorded in the write's transaction, so it exists exactly
 * when the write committed. Never carries a secret: sensitive attributes are redacted before it is
 * recorded.
 */
import type { ScimEventType } from "./types";

/** One recorded event: a webhook's JSON body, a feed entry. */
export interface EventEnvelope {
  /** Unique and stable across retries: the Standard Webhooks `webhook-id`, a receiver's idempotency key. */
  id: string;
  type: ScimEventType;
  tenant: string;
  /** Increases by one with each event of the tenant, in commit order; the feed's cursor. */
  seq: number;
  resourceType: "User" | "Group";
  resourceId: string;
  /** The token's label (or your auth's), never its secret. */
  actor: string | undefined;
  /** When the write committed, ISO 8601. */
  time: string;
  data: EventData;
}

/** What changed, in an event's `data`. */
export interface EventData {
  /** Attribute names that changed, URN-qualified for extensions. */
  changed?: string[];
  /** RFC 6902 operations turning the SCIM view before the write into the one after (redacted). */
  patch?: Array<{ op: string; path: string; value?: unknown; from?: string }>;
  /**
   * The SCIM view after the write (redacted; groups without members), on created, updated,
   * deactivated and reactivated events: what in-process listeners receive as `resource`.
   */
  resource?: Record<string, unknown>;
  /** Group member changes: ids added or removed, at most one chunk's worth per event. */
  members?: { added?: string[]; removed?: string[]; skipped?: string[] };
}
