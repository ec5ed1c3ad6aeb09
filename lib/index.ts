/** The public API of express-scim. Everything not exported here is internal. */
export { scim, type ScimRouter } from "./http/router";
/** `import scim from "express-scim"` works too, from ESM and from TypeScript's CommonJS output. */
export { scim as default } from "./http/router";
export type {
  ScimOptions,
  AuthFunction,
  ResolvedLimits,
  CursorOptions,
  MetricsHook,
  MetricsSample,
  OpenApiOptions,
} from "./options";
export type { Logger } from "./logger";
export type { Limits } from "./service/context";
export { DEFAULT_LIMITS } from "./options";
export { memoryStore, type MemoryStoreOptions } from "./stores/memory";
export type { TenantConfig } from "./stores/memory/tenant";
export type {
  Store,
  ResourceStore,
  MemberStore,
  StoreContext,
  Stored,
  GroupRef,
  GroupMembers,
  MemberPage,
  Query,
  QueryResult,
  Position,
  UniqueKey,
  AppRecord,
  WriteOptions,
  RecordWriteOptions,
  QueryCosts,
  IndexedPath,
} from "./stores/types";
export { ScimError, type ScimType } from "./protocol/errors";
/** Named ScimError constructors for stores and hooks: the same statuses and texts as the built-in stores. */
export {
  badRequest,
  invalidValue,
  invalidSyntax,
  invalidFilter,
  tooMany,
  notFound,
  resourceNotFound,
  uniqueness,
  conflict,
  preconditionFailed,
  unknownMembers,
  unavailable,
} from "./protocol/errors";
export type {
  Filter,
  ResolvedFilter,
  ResolvedAttr,
  AttrPath,
  CompareOp,
  Literal,
  FilterLimits,
  PatchPath,
} from "./protocol/filter/ast";
export type { SortSpec } from "./protocol/filter/ast";
export type { Member } from "./schema/types";
export type { Principal } from "./auth/principal";
export type { TokenConfig } from "./auth/tokens";
export { ALL_SCOPES, type Scope, type Verb, type Noun } from "./auth/scopes";
export { SCOPE_PRESETS, PRESET_PROFILES } from "./auth/presets";
export {
  PROFILES,
  TOLERANCES,
  type ClientProfile,
  type PatchAnswer,
  type ProfileChoice,
  type ProfileName,
  type Quirk,
  type Tolerance,
} from "./profiles";
export type { TokenRecord, TokenRegistry } from "./auth/registry";
export { memoryTokenRegistry } from "./auth/memory-registry";
export {
  tokenManager,
  type TokenManager,
  type CreateTokenInput,
  type IssuedToken,
  type TokenPublic,
  type RotateOptions,
} from "./auth/manager";
export { memoryRateLimitStore, type RateLimitOptions, type RateLimitStore } from "./limits/rate-limit";
export type {
  ScimEvent,
  ScimEventType,
  ScimEventMap,
  EventListeners,
  EventBase,
  ResourceEvent,
  UpdateEvent,
  MembersEvent,
} from "./events/types";
/** Durable events (docs/events.md): the outbox contract, the envelope, sinks and the delivery options. */
export type { EventEnvelope, EventData } from "./events/envelope";
export type { Sink, Outcome } from "./delivery/sink";
export type { DeliveryOptions } from "./delivery/options";
export type { ScimEvents, SinkBacklog } from "./delivery/handle";
export type { Outbox, NewEvent, Lease, ClaimedDelivery, Settlement, DeadLetter, PendingSink } from "./stores/outbox";
export { FEED_SCOPE } from "./auth/scopes";
export type { Hooks, ResourceHooks, HookContext, CreateHook, ReplaceHook, PatchHook, DeleteHook } from "./hooks/types";
export type { PatchOperation, PatchOpName } from "./protocol/patch/types";
export type { AuditLog, AuditRecord } from "./audit/types";
export { memoryAuditLog } from "./audit/memory";
/** The request log itself, and the console that shows it, are in "express-scim/console". */
export type { RequestLogOptions } from "./request-log/options";
export type {
  RequestLog,
  RequestLogEntry,
  RequestLogQuery,
  RequestLogSummary,
  StatusClass,
  DurableRequestLog,
} from "./request-log/types";
export type { MappingPair, MappingDirection } from "./mapping/types";
export type { SchemaDeclaration, AttributeDeclaration } from "./schema/custom";
export type { AttributeType, Mutability, Returned, Uniqueness } from "./schema/types";
/** Delivery channels (issue 18): signed webhooks and Security Event Tokens, each a Sink. */
export { webhookSink, type WebhookSinkOptions } from "./delivery/webhook-sink";
export { securityEventSink, type SecurityEventSinkOptions } from "./delivery/set-sink";
export type { WebhookConfig } from "./delivery/webhook-options";
export type { EndpointOptions } from "./delivery/endpoint";
export type { JwsAlgorithm } from "./delivery/jws";
