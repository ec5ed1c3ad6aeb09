/**
 * The SQL stores' outbox (lib/stores/outbox.ts), written once for both databases. Three tables
 * (migrations: SQLite 8, PostgreSQL 9): `events` (the feed), `event_counters` (one row per
 * tenant, the last `seq`) and `deliveries` (one row per event and sink still to deliver, or dead).
 *
 * Gap-free numbering: `append` bumps the tenant's counter row in the write's transaction. The
 * row stays locked until commit, so the tenant's next writer gets its numbers only after this one
 * committed (or rolled back, handing the same numbers on): the feed never shows `seq` n+1 while n
 * may still appear. Only the counter is serialised, and only from the write's last statement on.
 */
import type { EventEnvelope, EventData } from "../../events/envelope";
import type { ClaimedDelivery, DeadLetter, NewEvent, Outbox } from "../outbox";
import type { Conn, Driver, Runner, SqlRow } from "./driver";

export interface SqlOutboxOptions {
  /** PostgreSQL: " FOR UPDATE SKIP LOCKED", so concurrent claims pass each other by. */
  skipLocked: string;
  /** A statement run after an append (PostgreSQL: pg_notify, delivered at commit). */
  notify?: string;
  /**
   * PostgreSQL: the whole append as one statement (data-modifying CTEs), so recording a write's
   * events costs one round trip, not four.
   */
  oneStatement?: boolean;
}

export function sqlOutbox(driver: Driver, run: Runner, options: SqlOutboxOptions): Outbox {
  const d = driver.dialect;
  const events = d.table("events");
  const counters = d.table("event_counters");
  const deliveries = d.table("deliveries");
  const columns = "e.id, e.tenant, e.seq, e.type, e.resource_type, e.resource_id, e.actor, e.time, e.data";
  const envelope = (row: SqlRow): EventEnvelope => ({
    id: String(row.id),
    type: row.type as EventEnvelope["type"],
    tenant: String(row.tenant),
    seq: Number(row.seq),
    resourceType: row.resource_type as EventEnvelope["resourceType"],
    resourceId: String(row.resource_id),
    actor: row.actor === null || row.actor === undefined ? undefined : String(row.actor),
    time: d.readTime(row.time).toISOString(),
    data: d.readJson(row.data) as EventData,
  });
  const outside = driver.outside;
  // Inside the write's transaction, an append needs no savepoint of its own: if it fails, the
  // write fails with it and the whole transaction rolls back. Outside one, it is its own.
  const appending = run === outside ? run.write : run.read;
  /** A whole number as a bound value (PostgreSQL: bigint, which LIMIT and the seq columns take). */
  const int = (p: ReturnType<typeof d.params>, n: number) => (d.name === "postgres" ? `${p.add(n)}::bigint` : p.add(n));

  /** PostgreSQL's append: counter, events, deliveries and the notification in one statement. */
  const appendAtOnce = (tenant: string, list: readonly NewEvent[], sinks: readonly string[]) => {
    const p = d.params();
    const t = p.add(tenant);
    const n = int(p, list.length);
    const rows = list.map(
      (e, i) =>
        `(${[
          p.add(e.id),
          int(p, i + 1),
          p.add(e.type),
          p.add(e.resourceType),
          p.add(e.resourceId),
          `${p.add(e.actor ?? null)}::text`,
          d.time(p, new Date(e.time)),
          d.json(p, e.data),
        ].join(", ")})`,
    );
    const sql = `WITH c AS (
        INSERT INTO ${counters} AS c (tenant, seq) VALUES (${t}, ${n})
        ON CONFLICT (tenant) DO UPDATE SET seq = c.seq + excluded.seq RETURNING seq
      ), e AS (
        INSERT INTO ${events} (id, tenant, seq, type, resource_type, resource_id, actor, time, data)
        SELECT v.id, ${t}, c.seq - ${n} + v.i, v.type, v.rt, v.rid, v.actor, v.time, v.data
        FROM c, (VALUES ${rows.join(", ")}) AS v(id, i, type, rt, rid, actor, time, data)
        RETURNING pos, tenant, resource_type, resource_id, time
      ), d AS (
        INSERT INTO ${deliveries} (sink, pos, resource, state, attempts, since, next_at)
        SELECT s.sink, e.pos, e.tenant || '/' || e.resource_type || '/' || e.resource_id, 'pending', 0, e.time, e.time
        FROM e CROSS JOIN unnest(${p.add(sinks)}::text[]) AS s(sink)
      )
      ${sinks.length > 0 && options.notify ? options.notify : "SELECT 1"}`;
    return [sql, p] as const;
  };

  return {
    append: (ctx, list, sinks) =>
      list.length === 0
        ? Promise.resolve()
        : options.oneStatement
          ? appending(async (conn) => void (await conn.all(...appendAtOnce(ctx.tenant, list, sinks))))
          : appending(async (conn) => {
              const p = d.params();
              const [row] = await conn.all(
                `INSERT INTO ${counters} AS c (tenant, seq) VALUES (${p.add(ctx.tenant)}, ${int(p, list.length)})
               ON CONFLICT (tenant) DO UPDATE SET seq = c.seq + excluded.seq RETURNING seq`,
                p,
              );
              const last = Number(row?.seq);
              const first = last - list.length + 1;
              const q = d.params();
              const values = list.map(
                (e, i) =>
                  `(${[
                    q.add(e.id),
                    q.add(ctx.tenant),
                    int(q, first + i),
                    q.add(e.type),
                    q.add(e.resourceType),
                    q.add(e.resourceId),
                    q.add(e.actor ?? null),
                    d.time(q, new Date(e.time)),
                    d.json(q, e.data),
                  ].join(", ")})`,
              );
              await conn.run(
                `INSERT INTO ${events} (id, tenant, seq, type, resource_type, resource_id, actor, time, data) VALUES ${values.join(", ")}`,
                q,
              );
              for (const sink of sinks) {
                const r = d.params();
                await conn.run(
                  `INSERT INTO ${deliveries} (sink, pos, resource, state, attempts, since, next_at)
                 SELECT ${r.add(sink)}, e.pos, e.tenant || '/' || e.resource_type || '/' || e.resource_id, 'pending', 0, e.time, e.time
                 FROM ${events} e WHERE e.tenant = ${r.add(ctx.tenant)} AND e.seq BETWEEN ${int(r, first)} AND ${int(r, last)}`,
                  r,
                );
              }
              if (options.notify && sinks.length > 0) await conn.run(options.notify, d.params());
            }),

    read: (ctx, after, limit) =>
      outside.read(async (conn) => {
        const p = d.params();
        const rows = await conn.all(
          `SELECT ${columns} FROM ${events} e WHERE e.tenant = ${p.add(ctx.tenant)} AND e.seq > ${int(p, after)}
           ORDER BY e.seq LIMIT ${int(p, Math.max(0, Math.floor(limit)))}`,
          p,
        );
        return rows.map(envelope);
      }),

    claim: (sink, lease) => {
      const p = d.params();
      const s = p.add(sink);
      const now = d.time(p, lease.now);
      // A resource's head only: its next event waits until every earlier one is settled. Written
      // as a per-row lookup of the head (an index probe), which no planner turns into a scan
      // of every pending delivery, whatever its statistics say.
      const update = `UPDATE ${deliveries} SET lease_owner = ${p.add(lease.owner)}, lease_until = ${d.time(p, lease.until)}
         WHERE sink = ${s} AND pos IN (
           SELECT d.pos FROM ${deliveries} d
           WHERE d.sink = ${s} AND d.state = 'pending' AND d.next_at <= ${now}
             AND (d.lease_until IS NULL OR d.lease_until <= ${now})
             AND d.pos = (SELECT min(x.pos) FROM ${deliveries} x WHERE x.sink = d.sink AND x.resource = d.resource AND x.state = 'pending')
           ORDER BY d.pos LIMIT ${int(p, lease.limit)}${options.skipLocked})`;
      const claimed = (rows: SqlRow[]) =>
        rows.map(
          (row): ClaimedDelivery => ({
            event: envelope(row),
            attempts: Number(row.attempts),
            since: d.readTime(row.since),
          }),
        );
      // PostgreSQL: one statement, atomic on its own, so no BEGIN and COMMIT around it.
      if (options.oneStatement)
        return outside.read(async (conn) =>
          claimed(
            await conn.all(
              `WITH c AS (${update} RETURNING pos, attempts, since)
               SELECT ${columns}, c.attempts, c.since FROM c JOIN ${events} e ON e.pos = c.pos ORDER BY c.pos`,
              p,
            ),
          ),
        );
      return outside.write(async (conn) => {
        await conn.run(update, p);
        const q = d.params();
        const rows = await conn.all(
          `SELECT ${columns}, d.attempts, d.since FROM ${deliveries} d JOIN ${events} e ON e.pos = d.pos
           WHERE d.sink = ${q.add(sink)} AND d.state = 'pending' AND d.lease_owner = ${q.add(lease.owner)}
             AND d.lease_until = ${d.time(q, lease.until)}
           ORDER BY d.pos`,
          q,
        );
        return claimed(rows);
      });
    },

    settle: (sink, owner, settlements) =>
      settlements.length === 0
        ? Promise.resolve()
        : (options.oneStatement && settlements.every((x) => x.outcome === "delivered")
            ? outside.read // PostgreSQL, all delivered (the usual round): one DELETE, atomic alone.
            : outside.write)(async (conn) => {
            // The common outcomes, one statement each for the whole batch.
            for (const outcome of ["delivered", "released"] as const) {
              const ids = settlements.filter((s) => s.outcome === outcome).map((s) => s.id);
              if (ids.length === 0) continue;
              const p = d.params();
              const target = `sink = ${p.add(sink)} AND state = 'pending' AND lease_owner = ${p.add(owner)}
                AND pos IN (SELECT e.pos FROM ${events} e WHERE ${d.inList(p, "e.id", ids)})`;
              await conn.run(
                outcome === "delivered"
                  ? `DELETE FROM ${deliveries} WHERE ${target}`
                  : `UPDATE ${deliveries} SET lease_owner = NULL, lease_until = NULL WHERE ${target}`,
                p,
              );
            }
            for (const s of settlements) {
              if (s.outcome === "delivered" || s.outcome === "released") continue;
              const p = d.params();
              const target = `sink = ${p.add(sink)} AND state = 'pending' AND lease_owner = ${p.add(owner)}
                AND pos = (SELECT pos FROM ${events} WHERE id = ${p.add(s.id)})`;
              const set =
                s.outcome === "retry"
                  ? `next_at = ${d.time(p, s.at)}, last_error = ${p.add(s.error)}`
                  : `state = 'dead', last_error = ${p.add(s.error)}`;
              await conn.run(
                `UPDATE ${deliveries} SET ${set}, attempts = attempts + 1, lease_owner = NULL, lease_until = NULL WHERE ${target}`,
                p,
              );
            }
          }),

    deadLetters: ({ sink, limit }) =>
      outside.read(async (conn) => {
        const p = d.params();
        const only = sink === undefined ? "" : `AND d.sink = ${p.add(sink)}`;
        const rows = await conn.all(
          `SELECT ${columns}, d.sink, d.attempts, d.last_error FROM ${deliveries} d JOIN ${events} e ON e.pos = d.pos
           WHERE d.state = 'dead' ${only} ORDER BY d.pos LIMIT ${int(p, Math.max(0, Math.floor(limit)))}`,
          p,
        );
        return rows.map(
          (row): DeadLetter => ({
            sink: String(row.sink),
            event: envelope(row),
            attempts: Number(row.attempts),
            error: String(row.last_error ?? ""),
          }),
        );
      }),

    replay: ({ sink, ids, now }) =>
      outside.write(async (conn) => {
        const p = d.params();
        const only = sink === undefined ? "" : `AND sink = ${p.add(sink)}`;
        const which = ids ? `AND pos IN (SELECT pos FROM ${events} e WHERE ${d.inList(p, "e.id", ids)})` : "";
        const at = d.time(p, now);
        return conn.run(
          `UPDATE ${deliveries} SET state = 'pending', attempts = 0, since = ${at}, next_at = ${at}, last_error = NULL,
             lease_owner = NULL, lease_until = NULL
           WHERE state = 'dead' ${only} ${which}`,
          p,
        );
      }),

    pending: (cap) =>
      outside.read(async (conn) => {
        // The sinks by a loose index scan (one probe each), then per sink a capped count and its
        // first pending delivery: the cost follows the number of sinks, not the backlog.
        const p = d.params();
        const rows = await conn.all(
          `WITH RECURSIVE s(sink) AS (
             SELECT min(sink) FROM ${deliveries} WHERE state = 'pending'
             UNION ALL
             SELECT (SELECT min(x.sink) FROM ${deliveries} x WHERE x.state = 'pending' AND x.sink > s.sink)
             FROM s WHERE s.sink IS NOT NULL
           )
           SELECT s.sink,
             (SELECT count(*) FROM (SELECT 1 FROM ${deliveries} c WHERE c.sink = s.sink AND c.state = 'pending' LIMIT ${int(p, Math.max(1, Math.floor(cap)))}) n) AS n,
             (SELECT f.since FROM ${deliveries} f WHERE f.sink = s.sink AND f.state = 'pending' ORDER BY f.pos LIMIT 1) AS oldest
           FROM s WHERE s.sink IS NOT NULL ORDER BY s.sink`,
          p,
        );
        return rows.map((r) => ({ sink: String(r.sink), count: Number(r.n), oldest: d.readTime(r.oldest) }));
      }),

    forgetSink: (sink) =>
      outside.write(async (conn) => {
        const p = d.params();
        return conn.run(`DELETE FROM ${deliveries} WHERE sink = ${p.add(sink)}`, p);
      }),

    prune: (before) =>
      outside.write(async (conn: Conn) => {
        // Old: every event before the first one recorded at or after `before`, in position order
        // (no index on time: positions are read from the oldest, which prune reads anyway). An
        // event written late with an earlier time waits for the next prune; none young goes.
        const old = (p: ReturnType<typeof d.params>) => {
          const young = `SELECT y.pos FROM ${events} y WHERE y.time >= ${d.time(p, before)} ORDER BY y.pos LIMIT 1`;
          return `SELECT e.pos FROM ${events} e WHERE (e.pos < (${young}) OR NOT EXISTS (${young}))
            AND NOT EXISTS (SELECT 1 FROM ${deliveries} x WHERE x.pos = e.pos AND x.state = 'pending')`;
        };
        const p = d.params();
        await conn.run(`DELETE FROM ${deliveries} WHERE pos IN (${old(p)})`, p);
        const q = d.params();
        return conn.run(`DELETE FROM ${events} WHERE pos IN (${old(q)})`, q);
      }),
  };
}
