/**
 * Every option's default, in one place: what a host gets when it says nothing. Each factory
 * (scim() and its limits, the rate limiter, the stores, the audit log, token rotation) reads its
 * defaults here, so changing one is one edit. Frozen: a default changed at run time would change
 * every router and store built afterwards.
 */

/** `limits.filter`: bounds on one filter or PATCH path, checked before any work is done. */
export const FILTER_LIMIT_DEFAULTS = Object.freeze({ maxLength: 8192, maxDepth: 32, maxTerms: 256 });

/** `limits` of scim(). */
export const LIMIT_DEFAULTS = Object.freeze({
  defaultCount: 100,
  maxCount: 1000,
  // Okta's custom SAML apps push up to 10,000 members in one PUT; Auth0 allows 1,000 per PATCH.
  maxMembersPerRequest: 10_000,
  maxOperations: 1_000,
  // A 10,000-member body with $refs and display names is about 1.5 MB.
  bodyBytes: 5 * 1024 * 1024,
  // A user, even with every attribute Okta and Entra send, is a few KB.
  userBodyBytes: 1024 * 1024,
  searchBodyBytes: 64 * 1024,
  // Every indexed lookup, at any size; over 100,000 users two substring terms or five equalities
  // on unindexed attributes; Entra's `emails[type eq "work"].value eq` up to 26,000 users.
  // Tuned so SQLite (which scans on the event loop) stays near 100 ms: docs/benchmarks.md.
  queryBudget: 600_000,
  filter: FILTER_LIMIT_DEFAULTS,
});

/** The other options of scim(). */
export const SCIM_DEFAULTS = Object.freeze({
  /** The tenant of a request whose token, `tenant` option and `tenant()` name none (and of a token issued without one). */
  tenant: "default",
  strictExtensions: false,
  unknownMembers: "skip",
  userIdentity: "userName",
} as const);

/** `rateLimit` of scim(): fixed windows, per tenant and per token. */
export const RATE_LIMIT_DEFAULTS = Object.freeze({ windowMs: 10_000, perTenant: 300, perToken: 300 });

/** rotateToken(): how long the old token keeps working beside the new one. */
export const TOKEN_ROTATION_DEFAULTS = Object.freeze({ grace: "1h" });

/** memoryAuditLog(): the records the ring keeps. */
export const AUDIT_LOG_DEFAULTS = Object.freeze({ size: 1000 });

/** postgresStore(). */
export const POSTGRES_DEFAULTS = Object.freeze({ schema: "scim", statementTimeout: 5000, retries: 5 });

/** sqliteStore(). */
export const SQLITE_DEFAULTS = Object.freeze({ busyTimeout: 5000 });

/**
 * The delivery loop's retry schedule (`nextDelay` in lib/delivery/backoff.ts): 5 s, 10 s, 20 s ...
 * doubling up to an hour apart, for a day, then the event is dead-lettered. A day outlasts a
 * receiver down for the night or a deploy gone wrong; Standard Webhooks senders retry about as long.
 */
export const BACKOFF_DEFAULTS = Object.freeze({
  initialDelayMs: 5_000,
  maxDelayMs: 60 * 60 * 1000,
  periodMs: 24 * 60 * 60 * 1000,
});

/**
 * webhookSink(): a receiver gets this long to accept the connection and to answer; only the
 * first bytes of its answer are read (kept in the delivery's error for a failure, else ignored).
 */
export const WEBHOOK_DEFAULTS = Object.freeze({
  connectTimeoutMs: 5_000,
  responseTimeoutMs: 15_000,
  maxResponseBytes: 64 * 1024,
});

/** Events and their delivery (`delivery` of scim(); docs/events.md). */
export const EVENT_DEFAULTS = Object.freeze({
  /** Member ids in one outbox event: a 10,000-member PUT is ten events, not one huge or 10,000 small. */
  membersPerEvent: 1000,
  /** Events are kept this long for the feed (and replays), then pruned. */
  retention: "7d",
  /** A claim on deliveries lasts this long; an instance that died loses it after that. */
  lease: "60s",
  /** Deliveries claimed per round. */
  batch: 50,
  /** Even without a wake-up (a missed NOTIFY, another instance's retry coming due), look this often. */
  pollMs: 5000,
  /**
   * After a commit (this instance's, or another's NOTIFY) the loop waits this long before it
   * claims, so that the commits around it go out in one claim and one settlement instead of one
   * each: under a stream of writes, far fewer statements beside the requests (on SQLite, writes
   * that the next request would wait behind). A listener hears of a write this much later.
   */
  gatherMs: 5,
  /** Events per page of the feed. */
  feedCount: 100,
  feedMaxCount: 1000,
  /** A sink's backlog is counted up to this many (router.events.backlog): past it, only "more". */
  backlogCap: 10_000,
});
