/**
 * The audit log of the SQL stores: one row per request, kept beside the data so that every app
 * instance writes to, and reads from, the same trail. Rows are never pruned here; delete old
 * ones with your own job (`DELETE FROM audit WHERE at < ...`).
 */
import type { AuditLog, AuditRecord } from "../../audit/types";
import type { Driver } from "./driver";

export function sqlAuditLog(driver: Driver): AuditLog {
  const d = driver.dialect;
  const table = d.table("audit");
  const revive = (value: unknown): AuditRecord => {
    const record = d.readJson(value) as unknown as AuditRecord & { at: string };
    return { ...record, at: new Date(record.at) };
  };
  return {
    append: (record) =>
      driver.outside.write(async (conn) => {
        const p = d.params();
        const values = [p.add(record.tenant), d.time(p, record.at), d.json(p, record)];
        await conn.run(`INSERT INTO ${table} (tenant, at, record) VALUES (${values.join(", ")})`, p);
      }),
    list: ({ tenant, startIndex = 1, count = 100 }) =>
      driver.outside.read(async (conn) => {
        const p = d.params();
        const where = tenant === undefined ? "" : `WHERE tenant = ${p.add(tenant)}`;
        const [{ total }] = (await conn.all(`SELECT count(*) AS total FROM ${table} ${where}`, p)) as [
          { total: unknown },
        ];
        const q = d.params();
        const whereItems = tenant === undefined ? "" : `WHERE tenant = ${q.add(tenant)}`;
        const limit = q.add(Math.max(0, Math.floor(count)));
        const offset = q.add(Math.max(0, Math.floor(startIndex) - 1));
        const rows = await conn.all(
          `SELECT record FROM ${table} ${whereItems} ORDER BY seq DESC LIMIT ${limit} OFFSET ${offset}`,
          q,
        );
        return { total: Number(total), items: rows.map((r) => revive(r.record)) };
      }),
  };
}
