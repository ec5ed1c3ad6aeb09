/**
 * The router reads its own bodies, so it works whatever parsers the host installed before it.
 * clients.md: bodies come as application/scim+json, application/json, or with no Content-Type
 * (Okta's spec test); all are read as JSON.
 *
 * A body is read exactly or refused, never guessed at: RFC 8259 8.1 JSON is UTF-8, so another
 * declared charset is 415 and bytes that are not UTF-8 are 400 (not U+FFFD stored with a 201);
 * gzip, deflate and br bodies are decoded, the size limit counting DECODED bytes (a small bomb
 * stops at the limit with 413); any other Content-Encoding is 415.
 */
import type { Request } from "express";
import type { Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { invalidValue, invalidSyntax, payloadTooLarge, unsupportedMediaType } from "../protocol/errors";
import { findUnstorable } from "../values/text";

/** body-parser marks what it has consumed; the stream is then empty and `req.body` holds the result. */
type MaybeParsed = Request & { _body?: boolean };

export async function readJson(req: Request, limitBytes: number): Promise<unknown> {
  const parsed = req as MaybeParsed;
  const value =
    parsed._body || parsed.readableEnded
      ? fromHostParser(parsed.body)
      : parseJson(utf8(await readRaw(req, limitBytes)));
  // Where body-parser would leave it, for what runs once the response is done (the request log).
  parsed.body = value;
  return storable(value);
}

function fromHostParser(body: unknown): unknown {
  if (Buffer.isBuffer(body)) return parseJson(utf8(body));
  if (typeof body === "string") return parseJson(body);
  return body;
}

export function parseJson(text: string): unknown {
  if (text.trim() === "") throw invalidSyntax("The request body is empty; a JSON object was expected.");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidSyntax(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Strict UTF-8: a byte sequence that is not UTF-8 is refused, never replaced. A BOM is dropped. */
function utf8(bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalidSyntax("The request body is not valid UTF-8.");
  }
}

/**
 * JSON escapes can spell what no store keeps ("\u0000", a lone "\ud800"); the rule and its
 * reasons live in lib/values/text.ts, and every body passes here before any service sees it.
 */
function storable(value: unknown): unknown {
  const found = findUnstorable(value);
  if (found) {
    const where = found.at === "" ? "The request body" : `The value at ${JSON.stringify(found.at)}`;
    throw invalidValue(`${where} ${found.reason}; no store can keep it.`);
  }
  return value;
}

/** RFC 8259 8.1: JSON exchanged between systems is UTF-8. `us-ascii` is a subset of it. */
const CHARSETS = new Set(["utf-8", "utf8", "us-ascii"]);
const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  "x-gzip": createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

function checkCharset(req: Request): void {
  const type = req.headers["content-type"];
  const charset = typeof type === "string" ? /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(type)?.[1] : undefined;
  // An empty `charset=` says nothing; read it as UTF-8, as no charset is.
  if (charset && !CHARSETS.has(charset.toLowerCase())) {
    throw unsupportedMediaType(
      `The charset ${JSON.stringify(charset.slice(0, 40))} is not supported: send JSON as UTF-8.`,
    );
  }
}

/** The decoders for a Content-Encoding, in the order they apply (RFC 9110 8.4: listed in the order applied). */
function decodersFor(req: Request): { name: string; make: () => Transform }[] {
  const header = req.headers["content-encoding"];
  if (header === undefined) return [];
  const names = String(header)
    .split(",")
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== "" && n !== "identity");
  return names.reverse().map((name) => {
    const make = Object.hasOwn(DECODERS, name) ? DECODERS[name] : undefined;
    if (!make) {
      throw unsupportedMediaType(
        `The Content-Encoding ${JSON.stringify(name.slice(0, 40))} is not supported; send identity, gzip, deflate or br.`,
        {
          "Accept-Encoding": "gzip, deflate, br",
        },
      );
    }
    return { name, make };
  });
}

function readRaw(req: Request, limitBytes: number): Promise<Buffer> {
  let steps: { name: string; make: () => Transform }[];
  try {
    checkCharset(req);
    steps = decodersFor(req);
  } catch (error) {
    req.resume();
    return Promise.reject(error);
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(payloadTooLarge(limitBytes));
  return new Promise((resolve, reject) => {
    const decoders = steps.map((s) => ({ name: s.name, stream: s.make() }));
    const chunks: Buffer[] = [];
    let received = 0;
    let size = 0;
    let settled = false;
    const done = (error?: Error) => {
      if (settled) return;
      settled = true;
      req.removeListener("data", onRaw);
      if (decoders.length > 0) req.unpipe();
      for (const d of decoders) d.stream.destroy();
      if (error) {
        // Stop reading but let the response go out; the socket is drained by Node.
        req.resume();
        reject(error);
      } else resolve(Buffer.concat(chunks));
    };
    // Bytes as sent count too: a stream of empty gzip members decodes to nothing, forever.
    const onRaw = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) done(payloadTooLarge(limitBytes));
    };
    let out: NodeJS.ReadableStream = req;
    for (const d of decoders) {
      out = out.pipe(d.stream);
      d.stream.on("error", () => done(invalidSyntax(`The request body is not valid ${d.name} data.`)));
    }
    if (decoders.length > 0) req.on("data", onRaw);
    out.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limitBytes) done(payloadTooLarge(limitBytes));
      else chunks.push(chunk);
    });
    out.on("end", () => done());
    req.on("error", () => done(invalidSyntax("The request body could not be read.")));
  });
}
