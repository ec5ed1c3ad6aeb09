/**
 * Redaction of what the request log and the console show: no secret leaves through them. A value
 * goes when its attribute is `password` or one the host marks sensitive, whatever way a client
 * spells it (a key, a URN-qualified or dotted key as Entra sends, a PATCH operation's `path`),
 * and any string that looks like one of our bearer tokens goes wherever it is.
 */
import { TOKEN_PREFIX } from "../auth/manager";

export const REDACTED = "[redacted]";

/** RFC 7643 4.1.1: password is writeOnly and never returned; nor is it ever logged. */
const ALWAYS = ["password"];

const TOKEN_LIKE = new RegExp(`${TOKEN_PREFIX}[A-Za-z0-9_-]{16,}|Bearer\\s+\\S+`, "gi");

/**
 * An attribute's own name from any spelling: `urn:...:User:employeeNumber`, `name.givenName`,
 * `emails[type eq "work"].value` -> its last name, lower-cased. Over-matching (an extension's
 * `employeeNumber` and a core one) errs on the side of hiding.
 */
function leafOf(name: string): string {
  const bare = name.replace(/\[[^\]]*\]/g, "");
  return (bare.split(/[:.]/).pop() ?? bare).toLowerCase();
}

export type Redactor = (value: unknown) => unknown;

/** `sensitive`: attribute names (any spelling above) the host marks, besides `password`. */
export function redactor(sensitive: readonly string[] = []): Redactor {
  if (!Array.isArray(sensitive) || sensitive.some((s) => typeof s !== "string" || s === ""))
    throw new TypeError('express-scim: `sensitive` must be a list of attribute names, e.g. ["employeeNumber"].');
  const hidden = new Set([...ALWAYS, ...sensitive].map(leafOf));
  const isHidden = (name: string) => hidden.has(leafOf(name));
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return value.replace(TOKEN_LIKE, REDACTED);
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== "object") return value;
    const object = value as Record<string, unknown>;
    // A PATCH operation names its attribute in `path`; its `value` is that attribute's.
    const pathHidden = typeof object.path === "string" && isHidden(object.path);
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(object)) {
      out[key] = isHidden(key) || (pathHidden && key.toLowerCase() === "value") ? REDACTED : walk(inner);
    }
    return out;
  };
  return walk;
}

/** A body as the log keeps it: JSON text, redacted, cut to `maxBytes`. Unparsable text is kept only as its size. */
export function redactedText(redact: Redactor, body: unknown, maxBytes: number): string | undefined {
  if (body === undefined) return undefined;
  let value = body;
  if (typeof body === "string" || Buffer.isBuffer(body)) {
    const text = body.toString();
    if (text === "") return undefined;
    try {
      value = JSON.parse(text);
    } catch {
      return `[${Buffer.byteLength(text)} bytes, not JSON]`;
    }
  }
  const text = JSON.stringify(redact(value), null, 2);
  if (Buffer.byteLength(text) <= maxBytes) return text;
  // Cut on a character boundary; the marker says it was cut.
  return `${Buffer.from(text)
    .subarray(0, maxBytes)
    .toString()
    .replace(/\uFFFD$/, "")}\n[cut at ${maxBytes} bytes]`;
}
