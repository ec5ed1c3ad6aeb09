/**
 * What happens once a response has gone out: a debug line, a metrics sample, an audit record,
 * a request-log entry.
 * None of it can fail the request; failures are logged.
 */
import { randomUUID } from "node:crypto";
import type { Request, Response } from "express";
import type { AuditLog } from "../audit/types";
import type { Logger } from "../logger";
import type { MetricsHook } from "../options";
import type { Principal } from "../auth/principal";
import { idpOf } from "../request-log/idp";
import type { RequestRecorder } from "../request-log/options";
import { redactedText } from "../request-log/redact";
import type { RequestLogEntry } from "../request-log/types";
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

/** Raw response bytes kept for the request log; a larger body is logged by its size only. */
const CAPTURE_BYTES = 256 * 1024;

/**
 * One request-log entry per request, appended once the response is done. The response body is
 * seen as it is written (never buffered in its place); bodies are kept, redacted, for failures
 * and for the sampled share of successes.
 */
export function recordRequest(
  req: Request,
  res: Response,
  recorder: RequestRecorder,
  logger: Logger,
  principalOf: () => Principal | undefined,
): void {
  const start = process.hrtime.bigint();
  const path = req.path;
  const chunks: Buffer[] = [];
  let size = 0;
  const keep = (chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === "function" || size > CAPTURE_BYTES) return;
    const buffer = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(String(chunk), typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
    size += buffer.length;
    if (size <= CAPTURE_BYTES) chunks.push(buffer);
  };
  const { write, end } = res;
  res.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Response["write"];
  res.end = function (this: Response, chunk?: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (end as (...args: unknown[]) => Response).call(this, chunk, ...rest);
  } as Response["end"];
  res.once("finish", () => {
    try {
      const principal = principalOf();
      const status = res.statusCode;
      const named = /^\/(Users|Groups)(?:\/([^/]+))?\/?$/.exec(path);
      const withBodies = status >= 400 || recorder.sample();
      const created = named && !named[2] && status === 201;
      // Decoded only when something reads it: most entries keep no body.
      const response =
        withBodies || created
          ? size > CAPTURE_BYTES
            ? `[${size} bytes, not kept]`
            : Buffer.concat(chunks).toString("utf8")
          : "";
      const createdId = created ? idOf(response) : undefined;
      const resourceId = named?.[2] !== undefined ? safeDecode(named[2]) : createdId;
      const requestBody = withBodies ? redactedText(recorder.redact, req.body, recorder.maxBodyBytes) : undefined;
      const responseBody = withBodies ? redactedText(recorder.redact, response, recorder.maxBodyBytes) : undefined;
      const entry: RequestLogEntry = {
        id: randomUUID(),
        at: new Date(),
        idp: idpOf(principal?.label, req.get("user-agent")),
        method: req.method,
        path,
        status,
        durationMs: elapsed(start),
        ...(principal?.tenant !== undefined ? { tenant: principal.tenant } : {}),
        ...(principal?.tokenId !== undefined ? { tokenId: principal.tokenId } : {}),
        ...(principal?.label !== undefined ? { tokenLabel: principal.label } : {}),
        ...(named ? { resourceType: named[1] as "Users" | "Groups" } : {}),
        ...(resourceId !== undefined && !unstorable(resourceId) ? { resourceId } : {}),
        ...(requestBody !== undefined ? { requestBody } : {}),
        ...(responseBody !== undefined ? { responseBody } : {}),
      };
      recorder.prune(entry.at);
      Promise.resolve()
        .then(() => recorder.log.append(entry))
        .catch((err) => logger.error({ err }, "request log append failed"));
    } catch (err) {
      logger.error({ err }, "request log entry failed");
    }
  });
}

function idOf(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
