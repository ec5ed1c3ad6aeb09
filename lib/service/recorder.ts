/**
 * The events of one attempt of a write, collected while it runs inside its transaction. With an
 * outbox they are appended in that transaction (so they exist exactly when the write committed);
 * either way they reach the request's report only once it committed (`commit`), and an attempt
 * that was retried or rolled back leaves nothing behind.
 */
import { randomUUID } from "node:crypto";
import { compare } from "fast-json-patch";
import type { EventData } from "../events/envelope";
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
    this.envelopes.push({
      id: randomUUID(),
      type,
      tenant: this.ctx.tenant,
      resourceType: this.resourceType,
      resourceId,
      actor: this.ctx.principal.label,
      time: new Date(this.settings?.clock() ?? Date.now()).toISOString(),
      data,
    });
  }

  /**
   * A copy without sensitive attributes, made once per view: a deactivation that also changed
   * other attributes records two events from the same views. Never mutated after.
   */
  private redacted(view: View): View {
    const known = this.copies.get(view);
    if (known) return known;
    const copy = structuredClone(view);
    for (const name of ["password", ...(this.settings?.redact ?? [])]) dropPath(copy, name);
    this.copies.set(view, copy);
    return copy;
  }
}

/** A view for a patch: meta changes on every write, so it is left out (a shallow copy: compare only reads). */
function withoutMeta(view: View): View {
  const { meta: _meta, ...rest } = view;
  return rest;
}

/** Removes `name` (`title`, `name.givenName`, `urn:...:User:employeeNumber`) from a view, names compared case-insensitively. */
function dropPath(view: View, name: string): void {
  const colon = name.lastIndexOf(":");
  let target: unknown = view;
  let path = name;
  if (colon > 0) {
    target = pick(view, name.slice(0, colon));
    path = name.slice(colon + 1);
  }
  const keys = path.split(".");
  for (const [i, key] of keys.entries()) {
    if (typeof target !== "object" || target === null) return;
    if (Array.isArray(target)) {
      for (const element of target) dropPath(element as View, keys.slice(i).join("."));
      return;
    }
    const own = Object.keys(target).find((k) => k.toLowerCase() === key.toLowerCase());
    if (own === undefined) return;
    if (i === keys.length - 1) delete (target as View)[own];
    else target = (target as View)[own];
  }
}

function pick(view: View, key: string): unknown {
  const own = Object.keys(view).find((k) => k.toLowerCase() === key.toLowerCase());
  return own === undefined ? undefined : view[own];
}
