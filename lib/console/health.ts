/**
 * Health for load balancers: `/healthz` says the process answers; `/readyz` that the store is
 * reachable with its schema current, and the event backlog (when the host reports one) is below
 * its threshold. JSON, never cached, and nothing in it a caller could use against the service.
 */
import express, { type Router } from "express";
import type { Store } from "../stores/types";

export interface ReadinessOptions {
  store: Store;
  /** Undelivered events now, when the host delivers events (an outbox); omitted, not checked. */
  backlog?: () => Promise<number>;
  /** `/readyz` fails at or above this backlog. Default 1000. */
  maxBacklog?: number;
}

export interface Check {
  ok: boolean;
  detail?: string;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, Check>;
}

/** An id no store holds: looking it up costs one index probe and proves a round trip. */
const PROBE = { tenant: "default" };

export function readinessCheck(options: ReadinessOptions): () => Promise<Readiness> {
  const maxBacklog = options.maxBacklog ?? 1000;
  if (!Number.isInteger(maxBacklog) || maxBacklog < 1)
    throw new TypeError("express-scim: maxBacklog must be a positive integer.");
  if (options.backlog !== undefined && typeof options.backlog !== "function")
    throw new TypeError("express-scim: backlog must be a function returning the number of undelivered events.");
  return async () => {
    const checks: Record<string, Check> = {};
    try {
      // The SQL stores reject here when the schema is behind the library's (run migrate()).
      await options.store.ready?.();
      checks.migrations = { ok: true };
      await options.store.users.get(PROBE, "readyz-probe");
      checks.store = { ok: true };
    } catch (error) {
      // Only what to do, never the error's text: it may name hosts, schemas or users.
      if (checks.migrations === undefined && /migrat/i.test((error as Error)?.message ?? ""))
        checks.migrations = { ok: false, detail: "migrations pending: run migrate()" };
      else checks.store = { ok: false, detail: "the store did not answer" };
    }
    if (options.backlog) {
      try {
        const n = await options.backlog();
        checks.eventBacklog = { ok: n < maxBacklog, detail: `${n} undelivered (limit ${maxBacklog})` };
      } catch {
        checks.eventBacklog = { ok: false, detail: "the backlog could not be read" };
      }
    }
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  };
}

/** Mounts /healthz and /readyz on `router`. */
export function mountHealth(router: Router, ready: () => Promise<Readiness>): void {
  router.get("/healthz", (_req, res) => {
    res.set("Cache-Control", "no-store").json({ status: "ok" });
  });
  router.get("/readyz", (_req, res, next) => {
    ready()
      .then((r) =>
        res
          .set("Cache-Control", "no-store")
          .status(r.ready ? 200 : 503)
          .json({ status: r.ready ? "ready" : "not ready", checks: r.checks }),
      )
      .catch(next);
  });
}

/** `/healthz` and `/readyz` alone, for a load balancer that cannot pass the console's auth. */
export function scimHealth(options: ReadinessOptions): Router {
  const router = express.Router();
  mountHealth(router, readinessCheck(options));
  return router;
}
