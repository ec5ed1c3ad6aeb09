/**
 * The outbox part of the store contract (issue 18): events recorded in the write's own
 * transaction, a per-tenant feed, and delivery state per sink that many instances share.
 * Optional: a store without it keeps the in-process, after-the-write listeners (docs/events.md).
 */
import type { EventEnvelope } from "../events/envelope";

/** An event as the service hands it over: the store numbers it (`seq`). */
export type NewEvent = Omit<EventEnvelope, "seq">;

/** A claim on due deliveries: held by `owner` until `until`, then free for any instance to take over. */
export interface Lease {
  owner: string;
  now: Date;
  until: Date;
  /** Most deliveries claimed at once. */
  limit: number;
}

/** One event to hand to one sink, claimed under a lease. */
export interface ClaimedDelivery {
  event: EventEnvelope;
  /** Failed attempts so far. */
  attempts: number;
  /** When the event was recorded or last replayed: the dead-letter period counts from here. */
  since: Date;
}

/** What became of a claimed delivery. Applied only while the lease is still the owner's. */
export type Settlement =
  | { id: string; outcome: "delivered" }
  | { id: string; outcome: "retry"; at: Date; error: string }
  | { id: string; outcome: "dead"; error: string }
  /** Not attempted (shutdown): free at once for any instance, no attempt counted. */
  | { id: string; outcome: "released" };

/** A delivery that gave up: listed, and replayed on demand. */
export interface DeadLetter {
  sink: string;
  event: EventEnvelope;
  attempts: number;
  error: string;
}

/** The deliveries one sink still has to make (`Outbox.pending`). */
export interface PendingSink {
  sink: string;
  /** How many, counted up to the cap asked for. */
  count: number;
  /** When the first of them, in delivery order, was recorded (or last replayed). */
  oldest: Date;
}

/** `Store.outbox`: what a store does to make events durable (optional; the `outbox` capability). */
export interface Outbox {
  /**
   * Records `events` (in order) in the transaction of the store it was reached through, numbers
   * them after the tenant's last `seq`, and queues one delivery per sink. The numbering must keep
   * the feed gap-free: a reader never sees `seq` n+1 committed while n is still to come (the SQL
   * stores bump a per-tenant counter row in the transaction, which orders the tenant's writers).
   */
  append(ctx: { tenant: string }, events: readonly NewEvent[], sinks: readonly string[]): Promise<void>;
  /** The tenant's events after `after` (a `seq`; 0 for the start), oldest first, at most `limit`. */
  read(ctx: { tenant: string }, after: number, limit: number): Promise<EventEnvelope[]>;
  /**
   * Leases due, unleased deliveries of `sink`, oldest first, at most one per resource: a
   * resource's next event is claimable only once every earlier one is delivered or dead.
   * Concurrent claims never return the same delivery (SQL: `FOR UPDATE SKIP LOCKED`).
   */
  claim(sink: string, lease: Lease): Promise<ClaimedDelivery[]>;
  /** Records outcomes of deliveries `owner` claimed; one whose lease was taken over is left alone. */
  settle(sink: string, owner: string, settlements: readonly Settlement[]): Promise<void>;
  /** Dead letters, oldest first; of one sink, or all. */
  deadLetters(query: { sink?: string; limit: number }): Promise<DeadLetter[]>;
  /** Queues dead letters again (of `sink`; only `ids` when given), due at `now`; answers how many. */
  replay(query: { sink?: string; ids?: readonly string[]; now: Date }): Promise<number>;
  /**
   * Every sink with deliveries still to make (dead letters aside), by name: how many (at most
   * `cap`, so a large backlog costs no more to count) and since when. Sinks no instance has
   * show here too: their count never falls.
   */
  pending(cap: number): Promise<PendingSink[]>;
  /**
   * Drops every delivery of `sink`, pending or dead (a sink removed from every instance), so its
   * events can be pruned; answers how many.
   */
  forgetSink(sink: string): Promise<number>;
  /**
   * Forgets events recorded before `before` that no sink still waits for (dead letters go too);
   * answers how many. It may keep some until a later prune (the SQL stores stop at the first
   * event, in the order written, recorded at or after `before`), never one recorded since.
   */
  prune(before: Date): Promise<number>;
  /**
   * Calls `wake` soon after another instance appended (PostgreSQL: LISTEN/NOTIFY). Optional: the
   * delivery loop then relies on its own commits and a slow safety poll. Resolves to a stop function.
   */
  subscribe?(wake: () => void): Promise<() => Promise<void>>;
}
