/**
 * What happened, after it happened: one event per fact, emitted once the write has landed.
 * Payloads carry ids and attribute names, never passwords or tokens.
 */

export interface EventBase {
  tenant: string;
  /** The token's label (or your auth's), never its secret. */
  actor: string | undefined;
  /** The resource's id. */
  id: string;
  at: Date;
}

export interface ResourceEvent extends EventBase {
  /** The SCIM resource as written (users without password; groups without members). */
  resource: Record<string, unknown>;
}

export interface UpdateEvent extends ResourceEvent {
  /** Attribute names that changed, URN-qualified for extensions; `active` is reported by its own events. */
  changed: string[];
}

export interface MembersEvent extends EventBase {
  /** Member ids named by the request's net change. */
  members: string[];
}

/** Each event type and the payload its listeners receive. */
export interface ScimEventMap {
  "user.created": ResourceEvent;
  "user.updated": UpdateEvent;
  "user.deactivated": ResourceEvent;
  "user.reactivated": ResourceEvent;
  "user.deleted": EventBase;
  "group.created": ResourceEvent;
  "group.updated": UpdateEvent;
  "group.deleted": EventBase;
  "group.members.added": MembersEvent;
  "group.members.removed": MembersEvent;
  /** Member ids the request named that are no user or group of the tenant (`unknownMembers: "skip"`): dropped, not written. */
  "group.members.skipped": MembersEvent;
}

/** The name of an event, e.g. `user.created`. */
export type ScimEventType = keyof ScimEventMap;

/** Every event name, in one list: option checks and docs read it; the compiler keeps it in step with ScimEventMap. */
export const EVENT_TYPES = [
  "user.created",
  "user.updated",
  "user.deactivated",
  "user.reactivated",
  "user.deleted",
  "group.created",
  "group.updated",
  "group.deleted",
  "group.members.added",
  "group.members.removed",
  "group.members.skipped",
] as const satisfies readonly ScimEventType[];

// Fails to compile when ScimEventMap gains an event that EVENT_TYPES does not list.
type Unlisted = Exclude<ScimEventType, (typeof EVENT_TYPES)[number]>;
const everyEventListed: [Unlisted] extends [never] ? true : never = true;
void everyEventListed;

/** Any event, discriminated by `type`. */
export type ScimEvent = { [K in ScimEventType]: { type: K } & ScimEventMap[K] }[ScimEventType];

/** Listeners by event type. A listener that throws or rejects is logged; the request still succeeds. */
export type EventListeners = { [K in ScimEventType]?: (event: { type: K } & ScimEventMap[K]) => unknown };
