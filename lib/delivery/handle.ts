/**
 * What `scim()` exposes of its events when the store has an outbox (`router.events`): the feed
 * in code, dead letters and their replay, each sink's backlog and forgetting a removed one, and a
 * way to wait for delivery (tests, shutdown).
 */
import type { EventEnvelope } from "../events/envelope";
import type { DeadLetter, Outbox } from "../stores/outbox";
import { EVENT_DEFAULTS } from "../values/defaults";
import type { DeliveryLoop } from "./loop";

/** One sink's undelivered events (`router.events.backlog`). */
export interface SinkBacklog {
  sink: string;
  /** Deliveries still to make, counted up to `EVENT_DEFAULTS.backlogCap`. */
  pending: number;
  /** When the first of them was recorded (or replayed). */
  oldest: Date;
  /** This router has a sink of that name (so this instance delivers it). */
  here: boolean;
}

/** `router.events`: the feed, dead letters and replay, each sink's backlog, and waiting for delivery. */
export interface ScimEvents {
  /**
   * The tenant's events after `after` (a `seq`; 0 or omitted: from the oldest kept), oldest first,
   * at most `count` (default 100, at most 1000). Pass the last `seq` you processed to catch up.
   */
  read(tenant: string, after?: number, count?: number): Promise<EventEnvelope[]>;
  /** Resolves once every delivery due now has been tried (retries wait for their time). */
  idle(): Promise<void>;
  /** Stops this instance's delivery (polling, LISTEN); in-flight deliveries finish first. */
  stop(): Promise<void>;
  /** Deliveries that gave up, oldest first; of one sink (`"listeners"`, a webhook's name) or all. */
  deadLetters(query?: { sink?: string; limit?: number }): Promise<DeadLetter[]>;
  /** Queues dead letters again (all, one sink's, or the events `ids`); answers how many. */
  replay(query?: { sink?: string; ids?: readonly string[] }): Promise<number>;
  /**
   * Deliveries still to make, per sink (dead letters aside): how many (counted up to
   * `EVENT_DEFAULTS.backlogCap`, 10,000), since when, and whether this router has the sink. A
   * sink no instance has is never delivered: if it was removed for good, forget it.
   */
  backlog(): Promise<SinkBacklog[]>;
  /**
   * Forgets a sink that no instance has any more (a removed webhook): its pending deliveries and
   * dead letters go, and their events can then be pruned. Refuses a sink of this router.
   */
  forgetSink(sink: string): Promise<number>;
}

export function eventsHandle(outbox: Outbox, loop: DeliveryLoop | undefined, sinks: readonly string[]): ScimEvents {
  return {
    read: (tenant, after = 0, count = EVENT_DEFAULTS.feedCount) => {
      if (!Number.isInteger(after) || after < 0) throw new TypeError("events.read: after must be a seq (0 or more).");
      const limit = Math.min(Math.max(1, Math.floor(count)), EVENT_DEFAULTS.feedMaxCount);
      return outbox.read({ tenant }, after, limit);
    },
    idle: () => loop?.idle() ?? Promise.resolve(),
    stop: () => loop?.stop() ?? Promise.resolve(),
    deadLetters: (query = {}) => outbox.deadLetters({ limit: 100, ...query }),
    replay: (query = {}) => (loop ? loop.replay(query) : outbox.replay({ ...query, now: new Date() })),
    backlog: async () =>
      (await outbox.pending(EVENT_DEFAULTS.backlogCap)).map((p) => ({
        sink: p.sink,
        pending: p.count,
        oldest: p.oldest,
        here: sinks.includes(p.sink),
      })),
    forgetSink: async (sink) => {
      if (typeof sink !== "string" || sink === "") throw new TypeError("events.forgetSink: name the sink to forget.");
      if (sinks.includes(sink))
        throw new TypeError(
          `events.forgetSink: "${sink}" is a sink of this router; remove it from every instance's configuration first.`,
        );
      return outbox.forgetSink(sink);
    },
  };
}
