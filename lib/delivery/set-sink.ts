/**
 * Events as RFC 9967 Security Event Tokens, pushed per RFC 8935: a signed JWT with
 * `typ: secevent+jwt`, POSTed as `application/secevent+jwt`. `jti` is the event's id, the same on
 * every retry, so the receiver drops duplicates as RFC 8417 asks.
 */
import { endpoint, type EndpointOptions, outcomeOf, unreachable } from "./endpoint";
import { type JwsAlgorithm, jwsSigner } from "./jws";
import { setEvents, subjectOf } from "./set-events";
import type { Sink } from "./sink";
import type { KeyObject } from "node:crypto";

/** Options of securityEventSink(). */
export interface SecurityEventSinkOptions extends EndpointOptions {
  /** The `iss` claim: this service, as the receiver knows it (e.g. your SCIM base URL). */
  issuer: string;
  /** The `aud` claim: the receiver. */
  audience: string | string[];
  /** The private key (a KeyObject or PEM text), or a secret KeyObject of 32 bytes or more for HS256. */
  key: KeyObject | string;
  /** Default: follows the key (RS256, PS256, ES256, ES384, EdDSA, HS256). */
  algorithm?: JwsAlgorithm;
  /** The `kid` header, so the receiver picks the right key from your JWKS. */
  keyId?: string;
}

/**
 * A Sink that pushes each event as a signed SET; checks its options at once (TypeError).
 * `label` names the options in error messages (scim() passes `webhooks[0]`, ...).
 */
export function securityEventSink(options: SecurityEventSinkOptions, label = "securityEventSink"): Sink {
  const target = endpoint(options, label);
  const signer = jwsSigner(options.key, options.algorithm, label);
  const issuer = text(options.issuer, `${label}.issuer`);
  const audience = Array.isArray(options.audience)
    ? options.audience.map((a, i) => text(a, `${label}.audience[${i}]`))
    : text(options.audience, `${label}.audience`);
  const keyId = options.keyId === undefined ? undefined : text(options.keyId, `${label}.keyId`);
  const header = { typ: "secevent+jwt", ...(keyId === undefined ? {} : { kid: keyId }) };
  return {
    name: target.name,
    async deliver(event, signal) {
      const events = target.wants(event) ? setEvents(event) : undefined;
      if (events === undefined) return { ok: true };
      const token = signer.sign(header, {
        iss: issuer,
        aud: audience,
        iat: Math.floor(target.clock().getTime() / 1000),
        jti: event.id,
        toe: Math.floor(Date.parse(event.time) / 1000),
        sub_id: subjectOf(event),
        events,
      });
      const headers = {
        "content-type": "application/secevent+jwt",
        accept: "application/json",
        "user-agent": "express-scim",
      };
      try {
        const answer = await target.send(token, headers, signal);
        return outcomeOf(answer, target.clock(), answer.status === 400 ? errorCode(answer.body) : undefined);
      } catch (err) {
        return unreachable(err);
      }
    },
  };
}

/** RFC 8935 2.3: a 400 names its reason in `err` (a registered code such as `invalid_key`): worth keeping. */
function errorCode(body: Buffer): string | undefined {
  try {
    const err = (JSON.parse(body.toString("utf8")) as { err?: unknown }).err;
    return typeof err === "string" && /^[a-z_]{1,40}$/.test(err) ? err : undefined;
  } catch {
    return undefined;
  }
}

function text(value: unknown, label: string): string {
  if (typeof value !== "string" || value.trim() === "")
    throw new TypeError(`express-scim: ${label} must be a non-empty string.`);
  return value;
}
