/**
 * The `events` listeners of scim(), as a sink of the delivery loop: each outbox event becomes the
 * payload listeners have always received, and a listener that throws or rejects is retried
 * like any failed delivery (so a listener must tolerate seeing an event twice).
 */
import type { EventEnvelope } from "../events/envelope";
import type { EventListeners, ScimEvent } from "../events/types";
import type { Outcome, Sink } from "./sink";

/** The sink's name in the deliveries table: stable, so a restart resumes where it stopped. */
export const LISTENER_SINK = "listeners";

export function listenerSink(listeners: EventListeners): Sink {
  return {
    name: LISTENER_SINK,
    async deliver(envelope: EventEnvelope): Promise<Outcome> {
      const listener = listeners[envelope.type] as ((e: ScimEvent) => unknown) | undefined;
      if (!listener) return { ok: true };
      try {
        await listener(toListenerEvent(envelope));
        return { ok: true };
      } catch (error) {
        return { ok: false, error: `listener failed: ${(error as Error)?.message ?? String(error)}`.slice(0, 500) };
      }
    },
  };
}

/** What a listener receives for an outbox event: the payload of lib/events/types.ts. */
export function toListenerEvent(e: EventEnvelope): ScimEvent {
  const base = { type: e.type, tenant: e.tenant, actor: e.actor, id: e.resourceId, at: new Date(e.time) };
  const members = e.data.members;
  switch (e.type) {
    case "group.members.added":
      return { ...base, type: e.type, members: members?.added ?? [] };
    case "group.members.removed":
      return { ...base, type: e.type, members: members?.removed ?? [] };
    case "group.members.skipped":
      return { ...base, type: e.type, members: members?.skipped ?? [] };
    case "user.updated":
    case "group.updated":
      return { ...base, type: e.type, resource: e.data.resource ?? {}, changed: e.data.changed ?? [] };
    case "user.deleted":
    case "group.deleted":
      return { ...base, type: e.type };
    default:
      return { ...base, type: e.type, resource: e.data.resource ?? {} };
  }
}
