/**
 * The delivery loop: claims due deliveries through the store's outbox, hands each event to its
 * sink, and records how it went. At least once (a delivery is settled only after its sink
 * answered; an instance that dies before settling loses its lease, and another instance takes
 * the delivery over), in order per resource (the outbox hands out a resource's next event only
 * once the previous one is settled), with exponential backoff and jitter, then dead letters.
 *
 * It runs shortly after a commit (a local one, or a NOTIFY from another instance: `soon`, which
 * gathers the commits of a few milliseconds into one claim), when asked (`wake`), and on a slow
 * safety poll; never in a tight loop. Clock and randomness are injected, so tests move time
 * instead of waiting.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../logger";
import type { ClaimedDelivery, DeadLetter, Outbox, Settlement } from "../stores/outbox";
import { type BackoffPolicy, retryAfterFailure } from "./backoff";
import type { Outcome, Sink } from "./sink";

export interface LoopSettings {
  outbox: Outbox;
  sinks: readonly Sink[];
  logger: Logger;
  /** Names this instance's leases. Default: a random id per loop. */
  owner?: string;
  leaseMs: number;
  retentionMs: number;
  /** The retry schedule; a delivery failing past its period (from the event's time) is dead. */
  backoff: BackoffPolicy;
  batch: number;
  pollMs: number;
  /** How long `soon` waits for more commits before claiming. */
  gatherMs: number;
  /** Milliseconds since the epoch. */
  clock: () => number;
  /** In [0, 1). */
  random: () => number;
}

/** How often, at most, old events are pruned. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

export class DeliveryLoop {
  private readonly owner: string;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private gathering: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private lastPrune = Number.NEGATIVE_INFINITY;
  /** Deliveries in flight, aborted by stop(). */
  private readonly inFlight = new Set<AbortController>();

  constructor(private readonly settings: LoopSettings) {
    this.owner = settings.owner ?? `instance-${randomUUID()}`;
  }

  /** Begins listening for other instances' events and polling; delivers what is already due. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const { outbox, logger } = this.settings;
    outbox
      .subscribe?.(() => this.soon())
      .then(
        (stop) => {
          if (this.stopped) void stop().catch(() => undefined);
          else this.unsubscribe = stop;
        },
        (err: unknown) => logger.error({ err }, "events: cannot listen for other instances' events; polling instead"),
      );
    this.schedule();
    this.wake();
  }

  /** Something was committed: runs a round once the commits of the next `gatherMs` joined it. */
  soon(): void {
    if (this.stopped || this.gathering) return;
    this.gathering = setTimeout(() => this.wake(), this.settings.gatherMs);
  }

  /** Runs a round now; a round already running runs once more. */
  wake(): void {
    if (this.gathering) clearTimeout(this.gathering);
    this.gathering = undefined;
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.rounds().finally(() => {
      this.running = undefined;
    });
  }

  /**
   * Resolves once every delivery due now has been tried (failures wait for their retry time).
   * For tests and for shutdown scripts; requests never wait for it.
   */
  async idle(): Promise<void> {
    if (this.stopped) return;
    do {
      this.wake();
      await this.running;
    } while (this.running);
  }

  /** Stops polling and listening; deliveries in flight finish, nothing new is claimed. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.gathering) clearTimeout(this.gathering);
    for (const c of this.inFlight) c.abort();
    await this.running;
    await this.unsubscribe?.().catch(() => undefined);
  }

  deadLetters(query: { sink?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    return this.settings.outbox.deadLetters({ limit: 100, ...query });
  }

  async replay(query: { sink?: string; ids?: readonly string[] } = {}): Promise<number> {
    const n = await this.settings.outbox.replay({ ...query, now: new Date(this.settings.clock()) });
    if (n > 0) this.wake();
    return n;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.wake();
      this.schedule();
    }, this.settings.pollMs);
    // The poll never keeps a process alive on its own.
    this.timer.unref();
  }

  private async rounds(): Promise<void> {
    try {
      do {
        this.again = false;
        let claimed = 0;
        for (const sink of this.settings.sinks) claimed += await this.round(sink);
        // A full batch may have left more behind it; a partial one took everything due.
        if (claimed > 0) this.again = true;
        await this.pruneNow();
      } while (this.again && !this.stopped);
    } catch (err) {
      // The store is down, say: the safety poll tries again.
      this.settings.logger.error({ err }, "events: a delivery round failed");
    }
  }

  /** One claim for one sink: each claimed event is the head of its resource, so they go out side by side. */
  private async round(sink: Sink): Promise<number> {
    const { outbox, clock, leaseMs, batch } = this.settings;
    const now = clock();
    const claimed = await outbox.claim(sink.name, {
      owner: this.owner,
      now: new Date(now),
      until: new Date(now + leaseMs),
      limit: batch,
    });
    if (claimed.length === 0) return 0;
    const settlements = await Promise.all(claimed.map((d) => this.attempt(sink, d)));
    await outbox.settle(sink.name, this.owner, settlements);
    return claimed.length;
  }

  private async attempt(sink: Sink, d: ClaimedDelivery): Promise<Settlement> {
    const id = d.event.id;
    if (this.stopped) return { id, outcome: "released" };
    // A delivery must end well within the lease, or another instance could take it over while
    // it still runs: past half the lease it is abandoned (its signal aborts) and counts as failed.
    const limit = Math.max(1, Math.floor(this.settings.leaseMs / 2));
    const controller = new AbortController();
    this.inFlight.add(controller);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve({ ok: false, error: `no answer within ${limit} ms` });
      }, limit);
    });
    let outcome: Outcome;
    try {
      outcome = await Promise.race([sink.deliver(d.event, controller.signal), timedOut]);
    } catch (error) {
      outcome = { ok: false, error: (error as Error)?.message ?? String(error) };
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
    if (outcome.ok) return { id, outcome: "delivered" };
    return this.failed(sink, d, outcome);
  }

  private failed(sink: Sink, d: ClaimedDelivery, outcome: Extract<Outcome, { ok: false }>): Settlement {
    const { clock, random, backoff, logger } = this.settings;
    const id = d.event.id;
    const error = outcome.error.slice(0, 500);
    const now = clock();
    // The period runs from the event's time (or its last replay), not from its first failure.
    const delay = retryAfterFailure(outcome, d.attempts + 1, d.since, new Date(now), random, backoff);
    const dead = delay === "dead";
    const at = dead ? now : now + delay;
    logger.error(
      { sink: sink.name, event: d.event.type, id, attempts: d.attempts + 1, error, dead },
      dead ? "events: delivery gave up (dead letter)" : "events: delivery failed, will retry",
    );
    return dead ? { id, outcome: "dead", error } : { id, outcome: "retry", at: new Date(at), error };
  }

  private async pruneNow(): Promise<void> {
    const now = this.settings.clock();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.settings.outbox.prune(new Date(now - this.settings.retentionMs));
  }
}
