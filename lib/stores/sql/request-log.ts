/**
 * The request log of the SQL stores, shared by every app instance on the database. Entries are
 * buffered and inserted in batches off the request path (a write per GET would double its cost
 * on SQLite, where writes take the store's one connection); reads write the buffer out first.
 */
import type { DurableRequestLog, RequestLogEntry, RequestLogSummary, StatusClass } from "../../request-log/types";
import type { Driver } from "./driver";
import type { Params } from "./params";

/** Inserts per statement: well under both databases' bound-parameter limits (9 a row). */
const BATCH = 500;
/** How long an entry may wait for others to share its INSERT: fewer, larger inserts keep the log off the
 * database's back (bench/request-log.js); reads and close() flush first, so the console never lags. */
const FLUSH_DELAY_MS = 1000;

export function sqlRequestLog(driver: Driver): DurableRequestLog {
  const d = driver.dialect;
  const table = d.table("request_log");
  let buffer: RequestLogEntry[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();

  const insert = (rows: RequestLogEntry[]) =>
    driver.outside.write(async (conn) => {
      const p = d.params();
      const values = rows.map((e) =>
        [
          p.add(e.id),
          d.time(p, e.at),
          p.add(e.tenant ?? null),
          p.add(e.tokenId ?? null),
          p.add(e.idp),
          p.add(e.status),
          p.add(e.resourceId ?? null),
          d.json(p, e),
        ].join(", "),
      );
      await conn.run(
        `INSERT INTO ${table} (id, at, tenant, token_id, idp, status, resource_id, entry) VALUES (${values.join("), (")})`,
        p,
      );
    });

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const rows = buffer;
    buffer = [];
    // One batch after another, so entries land in the order they were appended; a batch that
    // failed (the database was down) is lost, and does not fail the ones after it.
    writing = writing
      .catch(() => undefined)
      .then(async () => {
        for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
      });
    return writing;
  };

  const revive = (value: unknown): RequestLogEntry => {
    const entry = d.readJson(value) as unknown as RequestLogEntry & { at: string };
    return { ...entry, at: new Date(entry.at) };
  };

  const where = (
    p: Params,
    q: { tenant?: string; statusClass?: StatusClass; tokenId?: string; resourceId?: string },
  ) => {
    const terms: string[] = [];
    if (q.tenant !== undefined) terms.push(`tenant = ${p.add(q.tenant)}`);
    if (q.tokenId !== undefined) terms.push(`token_id = ${p.add(q.tokenId)}`);
    if (q.resourceId !== undefined) terms.push(`resource_id = ${p.add(q.resourceId)}`);
    if (q.statusClass !== undefined)
      terms.push(`status >= ${p.add(q.statusClass * 100)} AND status < ${p.add(q.statusClass * 100 + 100)}`);
    return terms.length ? `WHERE ${terms.join(" AND ")}` : "";
  };

  return {
    append(entry) {
      buffer.push(entry);
      if (buffer.length >= BATCH) void flush().catch(() => {});
      else if (!timer) {
        timer = setTimeout(() => void flush().catch(() => {}), FLUSH_DELAY_MS);
        timer.unref?.();
      }
    },
    flush,
    async list(query) {
      await flush();
      return driver.outside.read(async (conn) => {
        const p = d.params();
        const [row] = await conn.all(`SELECT count(*) AS total FROM ${table} ${where(p, query)}`, p);
        const q = d.params();
        const filter = where(q, query);
        const limit = q.add(Math.max(0, Math.floor(query.count ?? 50)));
        const offset = q.add(Math.max(0, Math.floor(query.startIndex ?? 1) - 1));
        const rows = await conn.all(
          `SELECT entry FROM ${table} ${filter} ORDER BY seq DESC LIMIT ${limit} OFFSET ${offset}`,
          q,
        );
        return { total: Number(row?.total ?? 0), items: rows.map((r) => revive(r.entry)) };
      });
    },
    async get(id) {
      await flush();
      return driver.outside.read(async (conn) => {
        const p = d.params();
        const [row] = await conn.all(`SELECT entry FROM ${table} WHERE id = ${p.add(id)}`, p);
        return row ? revive(row.entry) : null;
      });
    },
    async summary(since): Promise<RequestLogSummary> {
      await flush();
      return driver.outside.read(async (conn) => {
        const p = d.params();
        const counts = await conn.all(
          `SELECT idp, status / 100 AS class, count(*) AS n FROM ${table} WHERE at >= ${d.time(p, since)} GROUP BY idp, status / 100`,
          p,
        );
        const tokens = await conn.all(
          `SELECT token_id, max(at) AS last_used, max(CASE WHEN status >= 200 AND status < 300 THEN at END) AS last_success,
             (SELECT entry FROM ${table} l WHERE l.token_id = t.token_id ORDER BY seq DESC LIMIT 1) AS latest
           FROM ${table} t WHERE token_id IS NOT NULL GROUP BY token_id`,
          d.params(),
        );
        return {
          counts: counts.map((r) => ({
            idp: String(r.idp),
            statusClass: Number(r.class) as StatusClass,
            count: Number(r.n),
          })),
          tokens: tokens.map((r) => {
            const label = revive(r.latest).tokenLabel;
            return {
              tokenId: String(r.token_id),
              lastUsed: d.readTime(r.last_used),
              ...(r.last_success !== null && r.last_success !== undefined
                ? { lastSuccess: d.readTime(r.last_success) }
                : {}),
              ...(label !== undefined ? { tokenLabel: label } : {}),
            };
          }),
        };
      });
    },
    async prune(before) {
      await flush();
      return driver.outside.write(async (conn) => {
        const p = d.params();
        return conn.run(`DELETE FROM ${table} WHERE at < ${d.time(p, before)}`, p);
      });
    },
  };
}
