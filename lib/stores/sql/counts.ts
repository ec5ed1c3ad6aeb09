/**
 * How many users or groups a tenant holds, read from `tenant_counts` (kept by triggers on every
 * insert and delete, in the writing transaction: SQLite migration 9, PostgreSQL 10) instead of
 * a COUNT(*) over the tenant's rows. Exact: it is what COUNT(*) would answer in the same snapshot.
 */
import type { Kind } from "./compile";
import type { Conn, StoreDialect } from "./driver";

const COLUMN: Record<Kind, string> = { users: "user_count", groups: "group_count" };

export async function tenantSize(d: StoreDialect, c: Conn, kind: Kind, tenant: string): Promise<number> {
  const p = d.params();
  const [row] = await c.all(
    `SELECT ${COLUMN[kind]} AS n FROM ${d.table("tenant_counts")} WHERE tenant = ${p.add(tenant)}`,
    p,
  );
  return row ? Number(row.n) : 0;
}
