/**
 * `scimConsole(options)`: the provisioning console, a router the host mounts behind its own
 * authentication. Server-rendered HTML, no script at all, one stylesheet from its own URL, a
 * strict Content-Security-Policy, and a CSRF token on every form. It reads the request log,
 * the store, the token registry and the router's events; token operations are the CLI's
 * (lib/auth/manager.ts).
 */
import { randomBytes } from "node:crypto";
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from "express";
import { tokenManager, type IssuedToken } from "../auth/manager";
import type { AuditRecord } from "../audit/types";
import { requestRecorder } from "../request-log/options";
import { csrf as makeCsrf, CSRF_FIELD } from "./csrf";
import { DEAD_LETTERS_SHOWN, eventsPage, type EventsNote } from "./events-page";
import { mountHealth, readinessCheck } from "./health";
import { html, page } from "./html";
import { checkConsoleOptions, type ConsoleOptions } from "./options";
import { logQuery, requestPage, requestsPage, resourcePage } from "./request-pages";
import { statusPage, WINDOW_MINUTES } from "./status-page";
import { STYLESHEET } from "./style";
import { tokensPage } from "./token-page";

/** No script, no inline style, no framing, forms only to ourselves. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Audit records scanned for one resource's history (the audit log is listed by tenant only). */
const AUDIT_SCAN = 1000;

type Handler = (req: Request, res: Response) => Promise<void>;

export function scimConsole(options: ConsoleOptions): Router {
  checkConsoleOptions(options);
  const recorder = requestRecorder(options.requestLog);
  const log = recorder.log;
  const { store, auth, audit, events } = options;
  // Without the host's own count: what this router's sinks still have to deliver (a sink no
  // instance has never drains, and is no reason to take this one out of rotation).
  const backlog =
    options.backlog ??
    (events
      ? async () => (await events.backlog()).filter((s) => s.here).reduce((n, s) => n + s.pending, 0)
      : undefined);
  const ready = readinessCheck({
    store,
    ...(backlog ? { backlog } : {}),
    ...(options.maxBacklog !== undefined ? { maxBacklog: options.maxBacklog } : {}),
  });
  const csrf = makeCsrf(options.csrfSecret ?? randomBytes(32).toString("base64url"));
  const manager = options.tokens ? tokenManager(options.tokens) : undefined;
  const router = express.Router();
  const base = (req: Request) => req.baseUrl.replace(/\/+$/, "");
  const send = (res: Response, status: number, title: string, current: string, body: ReturnType<typeof html>) =>
    res
      .status(status)
      .type("html")
      .send(page(base(res.req), title, current, body));

  router.use((req, res, next) => {
    res.set({
      "Content-Security-Policy": CONTENT_SECURITY_POLICY,
      "X-Content-Type-Options": "nosniff",
      // same-origin, not no-referrer: under no-referrer browsers send `Origin: null` with the forms.
      "Referrer-Policy": "same-origin",
      "X-Frame-Options": "DENY",
      "Cache-Control": "no-store",
    });
    if (auth === "host") return next();
    Promise.resolve()
      .then(() => auth(req))
      .then((allowed) => {
        if (allowed === true) return next();
        send(res, 401, "Not signed in", "", html`<p>The console needs an administrator's credentials.</p>`);
      })
      .catch(next);
  });

  const handle =
    (fn: Handler): RequestHandler =>
    (req, res, next) => {
      fn(req, res).catch(next);
    };
  const checked =
    (fn: Handler): RequestHandler =>
    (req, res, next) => {
      if (!csrf.valid(req, (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD])) {
        send(
          res,
          403,
          "Refused",
          "",
          html`<p>The form was stale or came from another site. Reload the page and try again.</p>`,
        );
        return;
      }
      fn(req, res).catch(next);
    };
  const forms = express.urlencoded({ extended: false, limit: "16kb", parameterLimit: 50 });

  router.get("/console.css", (_req, res) => {
    res.type("css").set("Cache-Control", "max-age=3600").send(STYLESHEET);
  });
  mountHealth(router, ready);

  router.get(
    "/",
    handle(async (_req, res) => {
      const now = new Date();
      const [summary, readiness, tokens] = await Promise.all([
        log.summary(new Date(now.getTime() - WINDOW_MINUTES * 60_000)),
        ready(),
        manager?.listTokens(),
      ]);
      send(res, 200, "Status", "Status", statusPage(summary, readiness, tokens));
    }),
  );

  router.get(
    "/requests",
    handle(async (req, res) => {
      const query = logQuery(req.query as Record<string, unknown>);
      send(res, 200, "Requests", "Requests", requestsPage(base(req), query, await log.list(query)));
    }),
  );

  router.get(
    "/requests/:id",
    handle(async (req, res) => {
      const entry = await log.get(String(req.params.id));
      if (!entry)
        return void send(res, 404, "No such request", "Requests", html`<p>It may have aged out of the log.</p>`);
      send(res, 200, `${entry.method} ${entry.path}`, "Requests", requestPage(base(req), entry));
    }),
  );

  router.get(
    "/resources/:type/:id",
    handle(async (req, res) => {
      const type = String(req.params.type);
      const id = String(req.params.id);
      const tenant = typeof req.query.tenant === "string" && req.query.tenant !== "" ? req.query.tenant : "default";
      if (type !== "Users" && type !== "Groups")
        return void send(res, 404, "No such resource type", "Requests", html`<p>Users or Groups.</p>`);
      const resources = type === "Users" ? store.users : store.groups;
      const [stored, requests, trail] = await Promise.all([
        resources.get({ tenant }, id),
        log.list({ tenant, resourceId: id, count: 100 }),
        audit ? audit.list({ tenant, count: AUDIT_SCAN }) : undefined,
      ]);
      const current = stored
        ? JSON.stringify(
            recorder.redact({
              id: stored.id,
              meta: { version: stored.version, created: stored.created, lastModified: stored.lastModified },
              ...stored.record,
            }),
            null,
            2,
          )
        : undefined;
      const history: AuditRecord[] = (trail?.items ?? []).filter((a) => a.id === id);
      send(res, 200, `${type}/${id}`, "Requests", resourcePage(base(req), current, requests.items, history));
    }),
  );

  const tokensView = async (
    req: Request,
    res: Response,
    status: number,
    extra: { issued?: { what: "issued" | "rotated"; token: IssuedToken }; message?: string } = {},
  ) => {
    if (!manager)
      return void send(
        res,
        404,
        "Tokens",
        "Tokens",
        html`<p>Pass <code>tokens</code> (a token registry) to manage tokens here.</p>`,
      );
    const [tokens, summary] = await Promise.all([manager.listTokens(), log.summary(new Date())]);
    const lastUsed = new Map(summary.tokens.map((t) => [t.tokenId, t.lastUsed]));
    send(
      res,
      status,
      "Tokens",
      "Tokens",
      tokensPage(base(req), { tokens, lastUsed, csrf: csrf.token(req, res), now: new Date(), ...extra }),
    );
  };
  /** A mistake in the form (an unknown scope, a too-short expiry) is shown on the page, as a 400. */
  const attempt = async (
    req: Request,
    res: Response,
    fn: () => Promise<{ what: "issued" | "rotated"; token: IssuedToken } | undefined>,
  ) => {
    try {
      const issued = await fn();
      await tokensView(req, res, issued ? 201 : 200, issued ? { issued } : {});
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      await tokensView(req, res, 400, { message: error.message.replace(/^express-scim: /, "") });
    }
  };
  const field = (req: Request, name: string) => {
    const value = (req.body as Record<string, unknown>)[name];
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };

  router.get(
    "/tokens",
    handle((req, res) => tokensView(req, res, 200)),
  );
  router.post(
    "/tokens",
    forms,
    checked((req, res) =>
      attempt(req, res, async () => {
        const raw = (req.body as Record<string, unknown>).scopes;
        const scopes = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
        if (scopes.length === 0) throw new TypeError("choose at least one scope.");
        const label = field(req, "label");
        const tenant = field(req, "tenant");
        const expiresIn = field(req, "expiresIn");
        const profile = field(req, "profile");
        const token = await manager!.createToken({
          scopes: scopes as never,
          ...(label !== undefined ? { label } : {}),
          ...(tenant !== undefined ? { tenant } : {}),
          ...(expiresIn !== undefined ? { expiresIn } : {}),
          ...(profile !== undefined ? { profile } : {}),
        });
        return { what: "issued", token };
      }),
    ),
  );
  router.post(
    "/tokens/:id/rotate",
    forms,
    checked((req, res) =>
      attempt(req, res, async () => {
        const grace = field(req, "grace");
        const token = await manager!.rotateToken(String(req.params.id), grace !== undefined ? { grace } : {});
        return { what: "rotated", token };
      }),
    ),
  );
  router.post(
    "/tokens/:id/revoke",
    forms,
    checked((req, res) =>
      attempt(req, res, async () => {
        if (!(await manager!.revokeToken(String(req.params.id)))) throw new TypeError("no such token.");
        return undefined;
      }),
    ),
  );

  const eventsView = async (req: Request, res: Response, status = 200, note?: EventsNote) => {
    if (!events)
      return void send(
        res,
        404,
        "Events",
        "Events",
        html`<p>Pass <code>events: router.events</code> (the SCIM router's, with a store that has an outbox) to see dead letters here.</p>`,
      );
    const [letters, backlog] = await Promise.all([events.deadLetters({ limit: DEAD_LETTERS_SHOWN }), events.backlog()]);
    send(
      res,
      status,
      "Events",
      "Events",
      eventsPage(base(req), { letters, backlog, csrf: csrf.token(req, res), ...(note ? { note } : {}) }),
    );
  };
  router.get(
    "/events",
    handle((req, res) => eventsView(req, res)),
  );
  router.post(
    "/events/replay",
    forms,
    checked(async (req, res) => {
      if (!events) return eventsView(req, res);
      const sink = field(req, "sink");
      const id = field(req, "id");
      const replayed = await events.replay({
        ...(sink !== undefined ? { sink } : {}),
        ...(id !== undefined ? { ids: [id] } : {}),
      });
      await eventsView(req, res, 200, {
        ok: `${replayed} ${replayed === 1 ? "delivery" : "deliveries"} queued again.`,
      });
    }),
  );
  router.post(
    "/events/forget",
    forms,
    checked(async (req, res) => {
      const sink = field(req, "sink");
      if (!events || sink === undefined) return eventsView(req, res, 400, { bad: "Name the sink to forget." });
      try {
        const n = await events.forgetSink(sink);
        await eventsView(req, res, 200, { ok: `Forgot ${n} ${n === 1 ? "delivery" : "deliveries"} of ${sink}.` });
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        await eventsView(req, res, 400, { bad: error.message.replace(/^events\.forgetSink: /, "") });
      }
    }),
  );

  router.use((_req, res) => {
    send(res, 404, "Not found", "", html`<p>No console page here.</p>`);
  });
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: unknown })?.status;
    // body-parser's own refusals (too large, malformed) keep their 4xx.
    const code = typeof status === "number" && status >= 400 && status < 500 ? status : 500;
    if (code === 500) process.stderr.write(`express-scim console: ${(error as Error)?.message ?? String(error)}\n`);
    send(
      res,
      code,
      code === 500 ? "Something went wrong" : "Bad request",
      "",
      html`<p>The console could not answer this request.</p>`,
    );
  });
  return router;
}
