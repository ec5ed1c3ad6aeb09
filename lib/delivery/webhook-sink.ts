/**
 * Webhooks signed per the Standard Webhooks specification: the envelope as a JSON body, with
 * `webhook-id` (the envelope's id: the same on every retry, so it is the receiver's idempotency
 * key), `webhook-timestamp` and `webhook-signature` (HMAC-SHA256 with the shared secret). Any
 * receiver library for the specification verifies it, e.g. `new Webhook(secret).verify(body, headers)`.
 */
import { Webhook } from "standardwebhooks";
import { endpoint, type EndpointOptions, outcomeOf, unreachable } from "./endpoint";
import type { Sink } from "./sink";

/** Options of webhookSink(). */
export interface WebhookSinkOptions extends EndpointOptions {
  /**
   * The signing secret, shared with the receiver: `whsec_` and base64 of 24 to 64 random bytes.
   * Several during a rotation: each signs, and a receiver holding either one verifies.
   */
  secret: string | readonly string[];
}

/**
 * A Sink that POSTs each event to `options.url`, signed; checks its options at once (TypeError).
 * `label` names the options in error messages (scim() passes `webhooks[0]`, ...).
 */
export function webhookSink(options: WebhookSinkOptions, label = "webhookSink"): Sink {
  const target = endpoint(options, label);
  const secrets = Array.isArray(options.secret) ? options.secret : [options.secret];
  if (secrets.length === 0) throw new TypeError(`express-scim: ${label}.secret must not be an empty list.`);
  const signers = secrets.map((secret, i) =>
    signerFor(secret, Array.isArray(options.secret) ? `${label}.secret[${i}]` : `${label}.secret`),
  );
  return {
    name: target.name,
    async deliver(event, signal) {
      if (!target.wants(event)) return { ok: true };
      const body = JSON.stringify(event);
      const now = target.clock();
      const headers = {
        "content-type": "application/json",
        "user-agent": "express-scim",
        "webhook-id": event.id,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        // Standard Webhooks: several signatures, space-separated; any one that verifies will do.
        "webhook-signature": signers.map((signer) => signer.sign(event.id, now, body)).join(" "),
      };
      try {
        return outcomeOf(await target.send(body, headers, signal), target.clock());
      } catch (err) {
        return unreachable(err);
      }
    },
  };
}

function signerFor(secret: unknown, label: string): Webhook {
  const hint = `${label} must be a Standard Webhooks secret: "whsec_" and the base64 of 24 to 64 random bytes`;
  if (typeof secret !== "string" || secret === "") throw new TypeError(`express-scim: ${hint}.`);
  const base64 = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) throw new TypeError(`express-scim: ${hint}.`);
  const bytes = Buffer.from(base64, "base64").length;
  if (bytes < 24 || bytes > 64) throw new TypeError(`express-scim: ${hint} (this one is ${bytes} bytes).`);
  return new Webhook(secret);
}
