/** A write's target row and its If-Match check, which is part of the write's own WHERE clause. */
import { type ScimError, preconditionFailed, resourceNotFound } from "../../protocol/errors";
import type { StoreContext, WriteOptions } from "../types";
import type { Kind } from "./compile";
import type { Conn, StoreDialect } from "./driver";
import type { Params } from "./params";

/** A stale or unparseable If-Match version can never match a stored counter. */
const versionOf = (v: string) => (/^\d{1,15}$/.test(v) ? Number(v) : -1);

/** `tenant = $ AND id = $ [AND version = $]`: the If-Match check is part of the write. */
export function target(p: Params, ctx: StoreContext, id: string, opts: WriteOptions): string {
  const base = `t.tenant = ${p.add(ctx.tenant)} AND t.id = ${p.add(id)}`;
  return opts.ifVersion === undefined ? base : `${base} AND t.version = ${p.add(versionOf(opts.ifVersion))}`;
}

/** After a write touched no row: 404 when the row is absent, else its version moved on (412). */
export async function why(d: StoreDialect, c: Conn, kind: Kind, ctx: StoreContext, id: string): Promise<ScimError> {
  const p = d.params();
  const rows = await c.all(
    `SELECT 1 AS x FROM ${d.table(kind)} t WHERE t.tenant = ${p.add(ctx.tenant)} AND t.id = ${p.add(id)}`,
    p,
  );
  return rows.length === 0 ? resourceNotFound(id) : preconditionFailed();
}
