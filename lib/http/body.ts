/**
 * The router reads its own bodies, so it works whatever parsers the host installed before it.
 * clients.md: bodies come as application/scim+json, application/json, or with no Content-Type
 * (Okta's spec test); all are read as JSON.
 */
import type { Request } from "express";
import { ScimError } from "../protocol/errors";

/** body-parser marks what it has consumed; the stream is then empty and `req.body` holds the result. */
type MaybeParsed = Request & { _body?: boolean };

export async function readJson(req: Request, limitBytes: number): Promise<unknown> {
  const parsed = req as MaybeParsed;
  if (parsed._body || parsed.readableEnded) return fromHostParser(parsed.body);
  const raw = await readRaw(req, limitBytes);
  return parseJson(raw);
}

function fromHostParser(body: unknown): unknown {
  if (Buffer.isBuffer(body)) return parseJson(body.toString("utf8"));
  if (typeof body === "string") return parseJson(body);
  return body;
}

export function parseJson(text: string): unknown {
  if (text.trim() === "") throw new ScimError(400, "invalidSyntax", "The request body is empty; a JSON object was expected.");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ScimError(400, "invalidSyntax", `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function readRaw(req: Request, limitBytes: number): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(tooLarge(limitBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error?: Error) => {
      req.removeListener("data", onData);
      req.removeListener("end", onEnd);
      req.removeListener("error", onError);
      if (error) {
        // Stop reading but let the response go out; the socket is drained by Node.
        req.resume();
        reject(error);
      } else resolve(Buffer.concat(chunks).toString("utf8"));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) done(tooLarge(limitBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => done();
    const onError = () => done(new ScimError(400, "invalidSyntax", "The request body could not be read."));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

const tooLarge = (limit: number) => new ScimError(413, undefined, `The request body exceeds the limit of ${limit} bytes.`);
