/**
 * scim()'s `webhooks` option: a list of receivers, each a Standard Webhooks endpoint (the default)
 * or a Security Event Token receiver (`format: "secevent+jwt"`). Checked once, at start-up, and
 * turned into the Sinks the delivery loop hands events to.
 */
import { type SecurityEventSinkOptions, securityEventSink } from "./set-sink";
import type { Sink } from "./sink";
import { type WebhookSinkOptions, webhookSink } from "./webhook-sink";

/** One receiver in scim()'s `webhooks` list. */
export type WebhookConfig =
  | ({ format?: "standard-webhooks" } & WebhookSinkOptions)
  | ({ format: "secevent+jwt" } & SecurityEventSinkOptions);

const COMMON_KEYS = [
  "format",
  "url",
  "events",
  "tenants",
  "name",
  "headers",
  "allowInsecureLoopback",
  "connectTimeoutMs",
  "responseTimeoutMs",
  "maxResponseBytes",
  "clock",
];
const KEYS: Record<NonNullable<WebhookConfig["format"]>, readonly string[]> = {
  "standard-webhooks": [...COMMON_KEYS, "secret"],
  "secevent+jwt": [...COMMON_KEYS, "issuer", "audience", "key", "algorithm", "keyId"],
};

/** The Sinks for `webhooks`; a mistake is a TypeError naming the entry and what to change. */
export function webhookSinks(webhooks: unknown): Sink[] {
  if (webhooks === undefined) return [];
  if (!Array.isArray(webhooks))
    throw new TypeError('express-scim: webhooks must be a list, e.g. [{ url: "https://...", secret: "whsec_..." }].');
  const sinks = webhooks.map((entry: unknown, i) => {
    const label = `webhooks[${i}]`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry))
      throw new TypeError(`express-scim: ${label} must be an object with a url.`);
    const config = entry as WebhookConfig;
    const format = config.format ?? "standard-webhooks";
    const known = KEYS[format];
    if (known === undefined)
      throw new TypeError(`express-scim: ${label}.format must be "standard-webhooks" (default) or "secevent+jwt".`);
    for (const key of Object.keys(config))
      if (!known.includes(key))
        throw new TypeError(
          `express-scim: unknown option "${label}.${key}"; known for ${format}: ${known.join(", ")}.`,
        );
    return config.format === "secevent+jwt"
      ? securityEventSink(config, label)
      : webhookSink(config as WebhookSinkOptions, label);
  });
  return sinks;
}
