/**
 * What every HTTP sink shares: the receiver's URL and limits checked at start-up, the events it
 * wants, a kept-alive connection pool, and the reading of its answer as an Outcome.
 */
import http from "node:http";
import https from "node:https";
import type { Outcome } from "./sink";
import { post, type PostAnswer, type PostLimits } from "./http-post";
import { checkWebhookUrl } from "./webhook-url";
import type { EventEnvelope } from "../events/envelope";
import { EVENT_TYPES, type ScimEventType } from "../events/types";
import { WEBHOOK_DEFAULTS } from "../values/defaults";

/** The options every HTTP sink takes. */
export interface EndpointOptions {
  /** Where events are POSTed: https, or http to localhost with `allowInsecureLoopback`. */
  url: string;
  /** Only these event types are sent (the others count as delivered); all by default. */
  events?: readonly ScimEventType[];
  /** Only these tenants' events are sent (the others count as delivered); every tenant's by default. */
  tenants?: readonly string[];
  /** Delivery state is kept under this name: keep it when the URL changes. Default: from the URL. */
  name?: string;
  /** Extra request headers, e.g. an Authorization the receiver wants. */
  headers?: Record<string, string>;
  /** Allows http://localhost, http://127.0.0.1 and http://[::1]: a local receiver in development. */
  allowInsecureLoopback?: boolean;
  /** Time to connect (DNS, TCP and TLS). Default 5 s. */
  connectTimeoutMs?: number;
  /** Time for the whole answer, once connected. Default 15 s. */
  responseTimeoutMs?: number;
  /** At most this much of an answer is read; the rest is cut off. Default 64 KiB. */
  maxResponseBytes?: number;
  /** Now, for signatures and Retry-After dates; tests inject one. Default: the system clock. */
  clock?: () => Date;
}

export interface Endpoint {
  name: string;
  wants: (event: EventEnvelope) => boolean;
  clock: () => Date;
  send: (body: string, headers: Record<string, string>, signal: AbortSignal) => Promise<PostAnswer>;
}

/** Headers a sink sets itself; a host's `headers` may not replace them. */
const OWN_HEADERS = ["content-type", "content-length", "host", "webhook-id", "webhook-timestamp", "webhook-signature"];

export function endpoint(options: EndpointOptions, label: string): Endpoint {
  if (options === null || typeof options !== "object") throw new TypeError(`express-scim: ${label} must be an object.`);
  const url = checkWebhookUrl(options.url, options.allowInsecureLoopback === true, label);
  const limits: PostLimits = {
    connectTimeoutMs: positive(
      options.connectTimeoutMs,
      WEBHOOK_DEFAULTS.connectTimeoutMs,
      `${label}.connectTimeoutMs`,
    ),
    responseTimeoutMs: positive(
      options.responseTimeoutMs,
      WEBHOOK_DEFAULTS.responseTimeoutMs,
      `${label}.responseTimeoutMs`,
    ),
    maxResponseBytes: positive(
      options.maxResponseBytes,
      WEBHOOK_DEFAULTS.maxResponseBytes,
      `${label}.maxResponseBytes`,
    ),
  };
  const extra = checkHeaders(options.headers, label);
  const wanted = checkEvents(options.events, label);
  const tenants = checkTenants(options.tenants, label);
  if (options.name !== undefined && (typeof options.name !== "string" || options.name.trim() === ""))
    throw new TypeError(`express-scim: ${label}.name must be a non-empty string.`);
  if (options.clock !== undefined && typeof options.clock !== "function")
    throw new TypeError(`express-scim: ${label}.clock must be a function returning a Date.`);
  // Without the query string: it may hold a receiver's token, and the name is shown in dead-letter lists.
  const name = options.name ?? `webhook ${url.origin}${url.pathname}`;
  // No socket cap: the delivery loop bounds how many deliveries run at once, and a request queued
  // behind a cap would spend its connect deadline waiting for a socket.
  const agent = new (url.protocol === "https:" ? https.Agent : http.Agent)({ keepAlive: true });
  return {
    name,
    wants: (event) =>
      (wanted === undefined || wanted.has(event.type)) && (tenants === undefined || tenants.has(event.tenant)),
    clock: options.clock ?? (() => new Date()),
    send: (body, headers, signal) => post(url, body, { ...extra, ...headers }, limits, agent, signal),
  };
}

/** Reads the receiver's answer: 2xx delivered, 410 never again, 429/503 with their Retry-After, all else retried. */
export function outcomeOf(answer: PostAnswer, now: Date, detail?: string): Outcome {
  const { status } = answer;
  if (status >= 200 && status < 300) return { ok: true };
  const error = `HTTP ${status}${status >= 300 && status < 400 ? " (redirects are not followed)" : ""}${detail ? ` ${detail}` : ""}`;
  if (status === 410) return { ok: false, error, permanent: true };
  if (status === 429 || status === 503) {
    const retryAfterMs = retryAfter(answer.headers["retry-after"], now);
    if (retryAfterMs !== undefined) return { ok: false, error, retryAfterMs };
  }
  return { ok: false, error };
}

/** A failed send as an Outcome: the post's short error message, nothing else. */
export function unreachable(err: unknown): Outcome {
  return { ok: false, error: err instanceof Error ? err.message : "request failed" };
}

/** RFC 9110 10.2.3: delay-seconds or an HTTP-date. */
function retryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

function positive(value: unknown, fallback: number, label: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0)
    throw new TypeError(`express-scim: ${label} must be a positive whole number.`);
  return value;
}

function checkHeaders(headers: unknown, label: string): Record<string, string> {
  if (headers === undefined) return {};
  if (headers === null || typeof headers !== "object" || Array.isArray(headers))
    throw new TypeError(`express-scim: ${label}.headers must be an object of header names to strings.`);
  for (const [key, value] of Object.entries(headers)) {
    if (typeof value !== "string" || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key) || /[\r\n]/.test(value))
      throw new TypeError(
        `express-scim: ${label}.headers["${key}"] must be a valid header name with a one-line string.`,
      );
    if (OWN_HEADERS.includes(key.toLowerCase()))
      throw new TypeError(`express-scim: ${label}.headers may not set ${key}: the sink sets it.`);
  }
  return { ...(headers as Record<string, string>) };
}

function checkEvents(events: unknown, label: string): Set<string> | undefined {
  if (events === undefined) return undefined;
  const known: readonly string[] = EVENT_TYPES;
  if (!Array.isArray(events) || events.length === 0)
    throw new TypeError(
      `express-scim: ${label}.events must be a non-empty list of event types, e.g. ["user.deactivated"].`,
    );
  for (const type of events)
    if (!known.includes(type))
      throw new TypeError(`express-scim: ${label}.events names "${String(type)}"; known: ${known.join(", ")}.`);
  return new Set(events);
}

function checkTenants(tenants: unknown, label: string): Set<string> | undefined {
  if (tenants === undefined) return undefined;
  if (!Array.isArray(tenants) || tenants.length === 0 || !tenants.every((t) => typeof t === "string" && t !== ""))
    throw new TypeError(`express-scim: ${label}.tenants must be a non-empty list of tenant names, e.g. ["acme"].`);
  return new Set(tenants);
}
