/**
 * The events of one attempt of a write, collected while it runs inside its transaction. With an
 * outbox they are appended in that transaction (so they exist exactly when the write committed);
 * either way they reach the request's report only once it committed (`commit`), and an attempt
 * that was retried or rolled back leaves nothing behind.
 */
import { compare } from "fast-json-patch";
import type { EventData } from "../events/envelope";
import { eventId } from "../events/id";
import type { ScimEvent, ScimEventMap, ScimEventType } from "../events/types";
import type { NewEvent } from "../stores/outbox";
import { EVENT_DEFAULTS } from "../values/defaults";
import type { ServiceContext } from "./context";

/** How events are recorded in the outbox: the sinks that get a delivery, and what is never recorded. */
export interface EventSettings {
  sinks: readonly string[];
  /** Attribute names, URN-qualified for extensions, dotted for sub-attributes (`password` always). */
  redact: readonly string[];
  /** The delivery loop's clock (ms), so an event's time and its first delivery's due time agree. */
  clock: () => number;
}

type Payload<K extends ScimEventType> = Omit<ScimEventMap[K], "tenant" | "actor" | "at">;
type View = Record<string, unknown>;
type MemberEventType = "group.members.added" | "group.members.removed" | "group.members.skipped";
const MEMBER_KEY = {
  "group.members.added": "added",
  "group.members.removed": "removed",
  "group.members.skipped": "skipped",
} as const;

export class Recorder {
  /** As listeners receive them (and the audit counts): one per fact, member ids unchunked. */
  readonly events: ScimEvent[] = [];
  /** As the outbox records them; empty without an outbox. */
  readonly envelopes: NewEvent[] = [];
  private readonly later: (() => void)[] = [];
  private readonly copies = new WeakMap<View, View>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly resourceType: "User" | "Group",
    private readonly settings: EventSettings | undefined,
  ) {}

  /** The outbox takes these events (and this write must run in a transaction). */
  get durable(): boolean {
    return this.settings !== undefined;
  }

  /**
   * A resource event. `before`/`after` are SCIM views; the envelope carries the RFC 6902 patch
   * between them (meta left out: it changes on every write), limited to `paths` when given.
   */
  resource<K extends ScimEventType>(
    type: K,
    payload: Payload<K>,
    views: { before?: View; after?: View; changed?: string[]; only?: (path: string) => boolean } = {},
  ): void {
    this.push(type, payload);
    if (!this.settings) return;
    const data: EventData = {};
    if (views.changed) data.changed = views.changed;
    if (views.after) {
      const after = this.redacted(views.after);
      const ops = compare(views.before ? withoutMeta(this.redacted(views.before)) : {}, withoutMeta(after));
      data.patch = views.only ? ops.filter((op) => views.only!(op.path)) : ops;
      data.resource = after;
    }
    this.envelope(type, payload.id, data);
  }

  /** Member ids of one direction: one listener event, and one outbox event per chunk. */
  members(type: MemberEventType, id: string, ids: string[]): void {
    if (ids.length === 0) return;
    this.push(type, { id, members: ids });
    if (!this.settings) return;
    const chunk = EVENT_DEFAULTS.membersPerEvent;
    for (let i = 0; i < ids.length; i += chunk)
      this.envelope(type, id, { members: { [MEMBER_KEY[type]]: ids.slice(i, i + chunk) } });
  }

  /** Runs once the write committed (report counts, warnings). */
  after(fn: () => void): void {
    this.later.push(fn);
  }

  /** The write committed: its events go to the request's report. */
  commit(): void {
    this.ctx.report.events.push(...this.events);
    for (const fn of this.later) fn();
  }

  private push<K extends ScimEventType>(type: K, payload: Payload<K>): void {
    const { ctx } = this;
    const event = { type, tenant: ctx.tenant, actor: ctx.principal.label, at: new Date(), ...payload };
    this.events.push(event as unknown as ScimEvent);
  }

  private envelope(type: ScimEventType, resourceId: string, data: EventData): void {
    const now = this.settings?.clock() ?? Date.now();
    this.envelopes.push({
      id: eventId(now),
      type,
      tenant: this.ctx.tenant,
      resourceType: this.resourceType,
      resourceId,
      actor: this.ctx.principal.label,
      time: new Date(now).toISOString(),
      data,
    });
  }

  /**
   * The view without sensitive attributes, worked out once per view (a deactivation that also
   * changed other attributes records two events from the same views). Only the objects on the
   * way to a dropped attribute are copied; a view with nothing to drop is recorded as it is
   * (views are fresh per write and never mutated after).
   */
  private redacted(view: View): View {
    const known = this.copies.get(view);
    if (known) return known;
    let copy = view;
    for (const name of ["password", ...(this.settings?.redact ?? [])]) copy = without(copy, name);
    this.copies.set(view, copy);
    return copy;
  }
}

/** A view for a patch: meta changes on every write, so it is left out (a shallow copy: compare only reads). */
function withoutMeta(view: View): View {
  const { meta: _meta, ...rest } = view;
  return rest;
}

/**
 * `view` without `name` (`title`, `name.givenName`, `urn:...:User:employeeNumber`), names
 * compared case-insensitively; `view` itself when it has no such attribute.
 */
function without(view: View, name: string): View {
  const colon = name.lastIndexOf(":");
  if (colon <= 0) return dropIn(view, name.split(".")) as View;
  const urn = ownKey(view, name.slice(0, colon));
  if (urn === undefined) return view;
  const inner = dropIn(view[urn], name.slice(colon + 1).split("."));
  return inner === view[urn] ? view : { ...view, [urn]: inner };
}

/** `value` without the attribute at `keys` (in each element of a multi-valued one), copied only where it changes. */
function dropIn(value: unknown, keys: readonly string[]): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out = value.map((element) => dropIn(element, keys));
    return out.some((element, i) => element !== value[i]) ? out : value;
  }
  const record = value as View;
  const own = ownKey(record, keys[0]);
  if (own === undefined) return value;
  if (keys.length === 1) {
    const { [own]: _dropped, ...rest } = record;
    return rest;
  }
  const inner = dropIn(record[own], keys.slice(1));
  return inner === record[own] ? value : { ...record, [own]: inner };
}

function ownKey(view: View, key: string | undefined): string | undefined {
  const wanted = key?.toLowerCase();
  return Object.keys(view).find((k) => k.toLowerCase() === wanted);
}
