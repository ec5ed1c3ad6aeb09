/**
 * The memory store's outbox: the reference of the contract in lib/stores/outbox.ts, in process.
 * Events and deliveries live as long as the process; a transaction's events are undone with it.
 */
import type { EventEnvelope } from "../../events/envelope";
import type { ClaimedDelivery, DeadLetter, NewEvent, Outbox, PendingSink, Settlement } from "../outbox";
import type { Journal } from "./table";

interface Pending {
  pos: number;
  event: EventEnvelope;
  resource: string;
  state: "pending" | "dead";
  attempts: number;
  since: Date;
  nextAt: Date;
  owner?: string;
  leaseUntil?: Date;
  error?: string;
}

/** What one memory store's outbox holds. */
export class OutboxData {
  /** Per tenant, in `seq` order (seq n sits at index n - 1 until pruned; `first` says where it starts). */
  readonly events = new Map<string, { first: number; list: EventEnvelope[] }>();
  /** Per sink, by global position (insertion order is position order). */
  readonly deliveries = new Map<string, Map<number, Pending>>();
  pos = 0;
}

type Run = <T>(op: (journal: Journal) => T) => Promise<T>;

/**
 * Stored events are copies, in and out, as a database's rows are: no caller's object is ever the
 * stored one. Through JSON, as the SQL stores keep them (and structuredClone's objects belong to
 * another realm under VM-based test runners, which deep equality checks tell apart).
 */
const copy = (e: EventEnvelope): EventEnvelope => JSON.parse(JSON.stringify(e)) as EventEnvelope;

const resourceOf = (e: EventEnvelope) => `${e.tenant}\u0000${e.resourceType}\u0000${e.resourceId}`;

export function memoryOutbox(data: OutboxData, run: Run): Outbox {
  const sinkOf = (sink: string) => {
    const map = data.deliveries.get(sink) ?? new Map<number, Pending>();
    data.deliveries.set(sink, map);
    return map;
  };
  const find = (sink: string, id: string) => {
    for (const d of data.deliveries.get(sink)?.values() ?? []) if (d.event.id === id) return d;
    return undefined;
  };
  return {
    append: (ctx, events, sinks) =>
      run((journal) => {
        let tenant = data.events.get(ctx.tenant);
        if (!tenant) {
          const created = { first: 1, list: [] as EventEnvelope[] };
          data.events.set(ctx.tenant, created);
          tenant = created;
          journal(() => data.events.delete(ctx.tenant));
        }
        const list = tenant.list;
        const before = list.length;
        for (const event of events as readonly NewEvent[]) {
          const stored = copy({ ...event, tenant: ctx.tenant, seq: tenant.first + list.length });
          list.push(stored);
          const pos = ++data.pos;
          for (const sink of sinks) {
            const map = sinkOf(sink);
            const since = new Date(stored.time);
            map.set(pos, {
              pos,
              event: stored,
              resource: resourceOf(stored),
              state: "pending",
              attempts: 0,
              since,
              nextAt: since,
            });
            journal(() => map.delete(pos));
          }
        }
        journal(() => list.splice(before));
      }),
    read: (ctx, after, limit) =>
      run(() => {
        const tenant = data.events.get(ctx.tenant);
        if (!tenant) return [];
        const start = Math.max(0, after + 1 - tenant.first);
        return tenant.list.slice(start, start + Math.max(0, limit)).map(copy);
      }),
    claim: (sink, lease) =>
      run(() => {
        const claimed: ClaimedDelivery[] = [];
        const blocked = new Set<string>();
        for (const d of data.deliveries.get(sink)?.values() ?? []) {
          if (claimed.length >= lease.limit) break;
          if (d.state !== "pending") continue;
          const free = !d.leaseUntil || d.leaseUntil <= lease.now;
          if (!blocked.has(d.resource) && free && d.nextAt <= lease.now) {
            d.owner = lease.owner;
            d.leaseUntil = lease.until;
            claimed.push({ event: copy(d.event), attempts: d.attempts, since: d.since });
          }
          // Later events of this resource wait for this one.
          blocked.add(d.resource);
        }
        return claimed;
      }),
    settle: (sink, owner, settlements) =>
      run(() => {
        for (const s of settlements as readonly Settlement[]) {
          const d = find(sink, s.id);
          if (d?.state !== "pending" || d.owner !== owner) continue;
          d.owner = undefined;
          d.leaseUntil = undefined;
          if (s.outcome === "delivered") data.deliveries.get(sink)?.delete(d.pos);
          else if (s.outcome === "retry") {
            d.attempts += 1;
            d.nextAt = s.at;
            d.error = s.error;
          } else if (s.outcome === "dead") {
            d.attempts += 1;
            d.state = "dead";
            d.error = s.error;
          }
        }
      }),
    deadLetters: ({ sink, limit }) =>
      run(() => {
        const out: DeadLetter[] = [];
        for (const [name, map] of data.deliveries) {
          if (sink !== undefined && name !== sink) continue;
          for (const d of map.values())
            if (d.state === "dead")
              out.push({ sink: name, event: copy(d.event), attempts: d.attempts, error: d.error ?? "" });
        }
        return out.sort((a, b) => a.event.time.localeCompare(b.event.time)).slice(0, limit);
      }),
    replay: ({ sink, ids, now }) =>
      run(() => {
        const wanted = ids ? new Set(ids) : undefined;
        let n = 0;
        for (const [name, map] of data.deliveries) {
          if (sink !== undefined && name !== sink) continue;
          for (const d of map.values()) {
            if (d.state !== "dead" || (wanted && !wanted.has(d.event.id))) continue;
            Object.assign(d, { state: "pending", attempts: 0, since: now, nextAt: now, error: undefined });
            n++;
          }
        }
        return n;
      }),
    pending: (cap) =>
      run(() => {
        const out: PendingSink[] = [];
        for (const [sink, map] of [...data.deliveries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          let count = 0;
          let oldest: Date | undefined;
          for (const d of map.values()) {
            if (d.state !== "pending") continue;
            oldest ??= d.since;
            if (++count >= cap) break;
          }
          if (oldest) out.push({ sink, count, oldest });
        }
        return out;
      }),
    forgetSink: (sink) =>
      run(() => {
        const n = data.deliveries.get(sink)?.size ?? 0;
        data.deliveries.delete(sink);
        return n;
      }),
    prune: (before) =>
      run(() => {
        const waiting = new Set<string>();
        for (const map of data.deliveries.values())
          for (const d of map.values()) if (d.state === "pending") waiting.add(d.event.id);
        let n = 0;
        for (const tenant of data.events.values()) {
          // Only a prefix can go: the feed's numbering stays positional.
          let cut = 0;
          while (cut < tenant.list.length) {
            const e = tenant.list[cut]!;
            if (new Date(e.time) >= before || waiting.has(e.id)) break;
            cut++;
          }
          const gone = new Set(tenant.list.splice(0, cut).map((e) => e.id));
          tenant.first += cut;
          n += cut;
          for (const map of data.deliveries.values())
            for (const [pos, d] of map) if (gone.has(d.event.id)) map.delete(pos);
        }
        return n;
      }),
  };
}
