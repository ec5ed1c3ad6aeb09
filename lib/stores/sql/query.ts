/** List pages: by index (startIndex, count) or by keyset (RFC 9865 cursors), and their totals. */
import type { Query, QueryResult, StoreContext } from "../types";
import {
  type KeysetPosition,
  type Kind,
  compileFilter,
  compileSortKeys,
  indexedOrder,
  keysetAfter,
  keysetColumns,
  orderBy,
} from "./compile";
import type { Conn, StoreDialect } from "./driver";
import type { Params } from "./params";
import { tenantSize } from "./counts";
import { COLUMNS, onlyRow, storedRow } from "./rows";

type Where = (p: Params) => string;

export async function query(d: StoreDialect, c: Conn, kind: Kind, ctx: StoreContext, q: Query): Promise<QueryResult> {
  const where: Where = (p) => {
    const tenant = p.add(ctx.tenant);
    return q.filter
      ? `t.tenant = ${tenant} AND ${compileFilter(q.filter, { dialect: d, params: p, kind, alias: "t", tenant })}`
      : `t.tenant = ${tenant}`;
  };
  const counted = async () => {
    if (!q.filter) return tenantSize(d, c, kind, ctx.tenant);
    const p = d.params();
    const { n } = onlyRow(await c.all(`SELECT COUNT(*) AS n FROM ${d.table(kind)} t WHERE ${where(p)}`, p));
    return Number(n);
  };
  if (q.keyset) {
    const page = await keysetPage(d, c, kind, q, q.keyset.after, where);
    // A short first page is the whole result: its length is the exact total.
    const whole = q.keyset.after === undefined && page.items.length < q.count;
    return { total: whole ? page.items.length : await counted(), ...page };
  }
  // No table reaches 2^53 rows, and no database binds a larger OFFSET: such a page is empty.
  if (q.count <= 0 || !Number.isSafeInteger(q.startIndex)) return { total: await counted(), items: [] };
  const p = d.params();
  let sql: string;
  const indexed = q.sort && indexedOrder(q.sort, { dialect: d, params: p, kind, alias: "t" });
  if (indexed) {
    sql = `SELECT ${COLUMNS} FROM ${d.table(kind)} t WHERE ${where(p)} ORDER BY ${indexed}`;
  } else if (q.sort) {
    const keys = compileSortKeys(q.sort, { dialect: d, params: p, kind, alias: "t" });
    const inner = `SELECT ${COLUMNS}, t.seq, ${keys.num} AS sort_num, ${keys.txt} AS sort_txt FROM ${d.table(kind)} t WHERE ${where(p)}`;
    sql = `SELECT * FROM (${inner}) s ORDER BY ${orderBy("s", q.sort.descending, d)}`;
  } else {
    sql = `SELECT ${COLUMNS} FROM ${d.table(kind)} t WHERE ${where(p)} ORDER BY ${q.filter ? d.filteredSeq("t") : "t.seq"}`;
  }
  sql += ` LIMIT ${p.add(q.count)} OFFSET ${p.add(q.startIndex - 1)}`;
  const items = (await c.all(sql, p)).map((row) => storedRow(d, row));
  // A short page that is not empty (or the first page) ends the result: it tells the exact
  // total, so a lookup or a small list is one statement and not two.
  if (items.length < q.count && (items.length > 0 || q.startIndex === 1))
    return { total: q.startIndex - 1 + items.length, items };
  return { total: await counted(), items };
}

/**
 * RFC 9865: the page after a position, by seeking (never OFFSET). Unsorted, the position is the
 * row's seq and the (tenant, seq) index serves it; sorted, it is the row's place in orderBy's
 * order (keysetAfter), computed over the filtered rows.
 */
async function keysetPage(
  d: StoreDialect,
  c: Conn,
  kind: Kind,
  q: Query,
  after: unknown,
  where: Where,
): Promise<Pick<QueryResult, "items" | "positions">> {
  if (q.count <= 0) return { items: [], positions: [] };
  const p = d.params();
  let sql: string;
  if (q.sort) {
    const keys = compileSortKeys(q.sort, { dialect: d, params: p, kind, alias: "t" });
    // A bare NULL has no type in PostgreSQL, and COALESCE over it would not know one.
    const num = keys.num === "NULL" ? "CAST(NULL AS NUMERIC)" : keys.num;
    const txt = keys.txt === "NULL" ? "CAST(NULL AS TEXT)" : keys.txt;
    const inner = `SELECT ${COLUMNS}, t.seq, ${num} AS sort_num, ${txt} AS sort_txt FROM ${d.table(kind)} t WHERE ${where(p)}`;
    const keyed = `SELECT s.*, ${keysetColumns("s")} FROM (${inner}) s`;
    const test = after ? ` WHERE ${keysetAfter("k", q.sort.descending, after as KeysetPosition, d, p)}` : "";
    sql = `SELECT * FROM (${keyed}) k${test} ORDER BY ${orderBy("k", q.sort.descending, d)}`;
  } else {
    // A bare parameter takes the column's type, so the (tenant, seq) index serves the seek.
    const test = after ? ` AND t.seq > ${p.add((after as [number])[0])}` : "";
    sql = `SELECT ${COLUMNS}, t.seq FROM ${d.table(kind)} t WHERE ${where(p)}${test} ORDER BY t.seq`;
  }
  const rows = await c.all(`${sql} LIMIT ${p.add(q.count)}`, p);
  const positions = rows.map((row) =>
    q.sort ? [Number(row.k_m), Number(row.k_b), Number(row.k_n), String(row.k_t), Number(row.seq)] : [Number(row.seq)],
  );
  return { items: rows.map((row) => storedRow(d, row)), positions };
}
