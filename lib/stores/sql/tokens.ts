/**
 * The token registry of the SQL stores: one row per issued token, hashes only, so tokens
 * survive restarts and every app instance on the database sees the same ones.
 */
import type { TokenRecord, TokenRegistry } from "../../auth/registry";
import type { Scope } from "../../auth/scopes";
import type { Conn, Driver, SqlRow } from "./driver";

const COLUMNS = "tenant, id, hash, hint, label, scopes, expires_at, revoked_at, rotated_at, created, profile";

export function sqlTokenRegistry(driver: Driver): TokenRegistry {
  const d = driver.dialect;
  const table = d.table("tokens");
  const time = (value: unknown) => (value === null || value === undefined ? undefined : d.readTime(value));
  const row = (r: SqlRow): TokenRecord => {
    const record: TokenRecord = {
      id: String(r.id),
      tenant: String(r.tenant),
      hash: String(r.hash),
      hint: String(r.hint ?? ""),
      scopes: d.readJson(r.scopes) as unknown as Scope[],
      createdAt: d.readTime(r.created),
    };
    const expiresAt = time(r.expires_at);
    const revokedAt = time(r.revoked_at);
    const rotatedAt = time(r.rotated_at);
    if (expiresAt) record.expiresAt = expiresAt;
    if (revokedAt) record.revokedAt = revokedAt;
    if (rotatedAt) record.rotatedAt = rotatedAt;
    if (r.label !== null && r.label !== undefined) record.label = String(r.label);
    if (r.profile !== null && r.profile !== undefined) record.profile = String(r.profile);
    return record;
  };
  const nullableTime = (p: ReturnType<typeof d.params>, date: Date | undefined) =>
    date ? d.time(p, date) : p.add(null);

  const insert = (conn: Conn, record: TokenRecord) => {
    const p = d.params();
    const values = [
      p.add(record.tenant),
      p.add(record.id),
      p.add(record.hash),
      p.add(record.hint),
      p.add(record.label ?? null),
      d.json(p, record.scopes),
      nullableTime(p, record.expiresAt),
      nullableTime(p, record.revokedAt),
      nullableTime(p, record.rotatedAt),
      d.time(p, record.createdAt),
      p.add(record.profile ?? null),
    ];
    return conn.run(`INSERT INTO ${table} (${COLUMNS}) VALUES (${values.join(", ")})`, p);
  };
  /** The earlier of a token's expiry and `at`; with `rotated`, also marks it rotated then. */
  const shorten = (conn: Conn, id: string, at: Date, rotated?: Date) => {
    const p = d.params();
    const when = d.time(p, at);
    const mark = rotated ? `, rotated_at = ${d.time(p, rotated)}` : "";
    const sql = `UPDATE ${table} SET expires_at = CASE WHEN expires_at IS NOT NULL AND expires_at < ${when} THEN expires_at ELSE ${when} END${mark} WHERE id = ${p.add(id)}`;
    return conn.run(sql, p);
  };

  return {
    insert: (record) =>
      driver.outside.write(async (conn) => {
        await insert(conn, record);
      }),
    findByHash: (hash) =>
      driver.outside.read(async (conn) => {
        const p = d.params();
        const rows = await conn.all(`SELECT ${COLUMNS} FROM ${table} WHERE hash = ${p.add(hash)}`, p);
        return rows[0] ? row(rows[0]) : null;
      }),
    list: (tenant) =>
      driver.outside.read(async (conn) => {
        const p = d.params();
        const where = tenant === undefined ? "" : `WHERE tenant = ${p.add(tenant)}`;
        return (await conn.all(`SELECT ${COLUMNS} FROM ${table} ${where} ORDER BY created DESC, id`, p)).map(row);
      }),
    revoke: (id, at) =>
      driver.outside.write(async (conn) => {
        const p = d.params();
        const sql = `UPDATE ${table} SET revoked_at = COALESCE(revoked_at, ${d.time(p, at)}) WHERE id = ${p.add(id)}`;
        return (await conn.run(sql, p)) > 0;
      }),
    expire: (id, at) => driver.outside.write(async (conn) => (await shorten(conn, id, at)) > 0),
    rotate: (id, successor, until, at) =>
      driver.transaction((inside) =>
        inside.write(async (conn) => {
          await insert(conn, successor);
          if ((await shorten(conn, id, until, at)) === 0) throw new Error(`no token ${id}`);
        }),
      ),
  };
}
