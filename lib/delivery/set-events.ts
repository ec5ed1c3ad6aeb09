/**
 * Our event types as RFC 9967 (SCIM profile for Security Event Tokens) events. Every event is a
 * "notice": it names what changed (`attributes`) and the receiver reads the resource for its
 * state, so no SET carries personal data. `prov:patch:notice` stands for any change, PUT or PATCH:
 * the event does not say which the client sent, and the receiver's reaction is the same.
 */
import type { EventEnvelope } from "../events/envelope";
import type { ScimEventType } from "../events/types";
import { endpointOf } from "../schema/core";

const PREFIX = "urn:ietf:params:scim:event:";

/** RFC 9967 2.4: the event URI each event type becomes; `undefined`: nothing changed, no SET is sent. */
export const SET_EVENT_URIS: Record<ScimEventType, string | undefined> = {
  "user.created": `${PREFIX}prov:create:notice`,
  "user.updated": `${PREFIX}prov:patch:notice`,
  "user.deactivated": `${PREFIX}prov:deactivate`,
  "user.reactivated": `${PREFIX}prov:activate`,
  "user.deleted": `${PREFIX}prov:delete`,
  "group.created": `${PREFIX}prov:create:notice`,
  "group.updated": `${PREFIX}prov:patch:notice`,
  "group.deleted": `${PREFIX}prov:delete`,
  "group.members.added": `${PREFIX}prov:patch:notice`,
  "group.members.removed": `${PREFIX}prov:patch:notice`,
  // Ids the request named that are no resource: nothing was written.
  "group.members.skipped": undefined,
};

/** The `events` claim of the SET for one event, or undefined when the event has none. */
export function setEvents(event: EventEnvelope): Record<string, Record<string, unknown>> | undefined {
  const uri = SET_EVENT_URIS[event.type];
  if (uri === undefined) return undefined;
  // RFC 9967 2.4: a notice carries `attributes` (the changed names); delete and (de)activation carry nothing.
  if (!uri.endsWith(":notice")) return { [uri]: {} };
  const attributes = event.type.startsWith("group.members.") ? ["members"] : (event.data.changed ?? []);
  return { [uri]: { attributes } };
}

/** RFC 9967 2.1: the subject is the resource's path relative to the SCIM base. */
export function subjectOf(event: EventEnvelope): { format: "scim"; uri: string } {
  return { format: "scim", uri: `${endpointOf(event.resourceType)}/${event.resourceId}` };
}
