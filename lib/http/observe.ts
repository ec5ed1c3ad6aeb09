/**
 * What happens once a response has gone out: a debug line, a metrics sample, an audit record.
 * None of it can fail the request; failures are logged.
 */
import type { Request, Response } from "express";
import type { AuditLog } from "../audit/types";
import type { Logger } from "../logger";
import type { MetricsHook } from "../options";
import type { ServiceContext } from "../service/context";

import { debugHttp } from "../debug";
import { unstorable } from "../values/text";

const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/**
 * Every request through the router: timing for metrics and the http debug namespace.
 * `tenantOf` is asked once the response is done, when authentication has named the tenant.
 */
export function observeRequest(
  req: Request,
  res: Response,
  metrics: MetricsHook | undefined,
  logger: Logger,
  tenantOf: () => string | undefined,
): void {
  const start = process.hrtime.bigint();
  res.once("finish", () => {
    const durationMs = elapsed(start);
    const route = (req.route as { path?: string } | undefined)?.path ?? "unmatched";
    // The path without its query: filters can hold e-mail addresses, and they add nothing here.
    debugHttp("%s %s%s -> %d in %dms", req.method, req.baseUrl, req.path, res.statusCode, Math.round(durationMs));
    if (!metrics) return;
    try {
      const tenant = tenantOf();
      metrics({
        route,
        method: req.method,
        status: res.statusCode,
        durationMs,
        ...(tenant !== undefined ? { tenant } : {}),
      });
    } catch (err) {
      logger.error({ err }, "metrics hook failed");
    }
  });
}

/** One audit record per request to a resource endpoint, written when the response is done. */
export function auditOnFinish(
  res: Response,
  audit: AuditLog | undefined,
  logger: Logger,
  request: { method: string; resource: string },
  ctx: ServiceContext,
): void {
  if (!audit) return;
  const start = process.hrtime.bigint();
  res.once("finish", () => {
    const { report } = ctx;
    const record = {
      at: new Date(),
      tenant: ctx.tenant,
      actor: ctx.principal.label,
      method: request.method,
      resource: request.resource,
      status: res.statusCode,
      outcome: res.statusCode < 400 ? ("success" as const) : ("failure" as const),
      durationMs: elapsed(start),
      // A path id no store can hold (U+0000) was a 404; the audit store need not hold it either.
      ...(report.id !== undefined && !unstorable(report.id) ? { id: report.id } : {}),
      ...(report.changed ? { changed: report.changed } : {}),
      ...(report.membersAdded ? { membersAdded: report.membersAdded } : {}),
      ...(report.membersRemoved ? { membersRemoved: report.membersRemoved } : {}),
      ...(report.membersSkipped ? { membersSkipped: report.membersSkipped } : {}),
    };
    Promise.resolve()
      .then(() => audit.append(record))
      .catch((err) => logger.error({ err }, "audit log append failed"));
  });
}
