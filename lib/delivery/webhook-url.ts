/**
 * Which URLs a webhook may point at. Events name users and their changes, so they travel over
 * TLS; plain http is for a receiver on this machine during development, and only when the host
 * says so. Checked once, at start-up.
 */

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function checkWebhookUrl(raw: unknown, allowInsecureLoopback: boolean, label: string): URL {
  if (typeof raw !== "string" || raw === "")
    throw new TypeError(`express-scim: ${label}.url must be a URL string, e.g. "https://hooks.example.com/scim".`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`express-scim: ${label}.url is not a valid URL.`);
  }
  if (url.username || url.password)
    throw new TypeError(`express-scim: ${label}.url must not carry credentials; send them with ${label}.headers.`);
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)) {
    if (allowInsecureLoopback) return url;
    throw new TypeError(
      `express-scim: ${label}.url uses http; set ${label}.allowInsecureLoopback: true to allow it for a local receiver in development.`,
    );
  }
  throw new TypeError(
    `express-scim: ${label}.url must use https (http only to localhost, 127.0.0.1 or [::1] with allowInsecureLoopback).`,
  );
}
