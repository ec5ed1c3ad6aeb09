/** Every response leaves through here: one content type, one error format (RFC 7644 3.12). */
import type { Response } from "express";
import { type ScimError, errorBody } from "../protocol/errors";

// Entra's validator warns on anything else.
export const SCIM_CONTENT_TYPE = "application/scim+json; charset=utf-8";

export function send(
  res: Response,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
  contentType = SCIM_CONTENT_TYPE,
): void {
  res.status(status);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body === undefined) {
    res.end();
    return;
  }
  res.setHeader("Content-Type", contentType);
  res.end(JSON.stringify(body));
}

/** Small pieces are gathered up to this size before a write: one write per resource would be a syscall each. */
const WRITE_BYTES = 64 * 1024;

/**
 * A body produced in pieces (a ListResponse, lib/protocol/list.ts), written as it is produced,
 * waiting for the socket to drain: memory holds about one piece, whatever the body's size, and
 * other requests get the event loop between writes. A body that fits in one write goes out with
 * a Content-Length, exactly as send() would send it. An error before the first write is an
 * ordinary error response; after it, the status line is gone, so sendError() cuts the
 * connection and the client sees a broken body, never a short one.
 */
export async function sendPieces(
  res: Response,
  status: number,
  pieces: AsyncIterable<string>,
  headers: Record<string, string> = {},
): Promise<void> {
  const iterator = pieces[Symbol.asyncIterator]();
  let next = await iterator.next();
  res.status(status);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader("Content-Type", SCIM_CONTENT_TYPE);
  let buffered: string[] = [];
  let size = 0;
  try {
    while (!next.done) {
      buffered.push(next.value);
      size += next.value.length;
      if (size >= WRITE_BYTES) {
        const text = buffered.join("");
        buffered = [];
        size = 0;
        if (res.write(text)) {
          // The socket took it all (a fast reader): still let other requests in before the next
          // piece, or a long page would hold the event loop until its last byte.
          await new Promise<void>((resolve) => setImmediate(resolve));
        } else if (!(await drained(res))) {
          return; // The client went away: stop rendering a page nobody will read.
        }
      }
      next = await iterator.next();
    }
  } finally {
    if (!next.done) await iterator.return?.();
  }
  res.end(buffered.join(""));
}

/** Resolves true once the socket takes more, false if the response closed first. */
function drained(res: Response): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off("drain", onDrain);
      res.off("close", onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once("drain", onDrain);
    res.once("close", onClose);
  });
}

export function sendError(res: Response, error: ScimError): void {
  if (res.headersSent) {
    // A streamed body failed half-way (sendPieces): its status line is already out.
    res.destroy();
    return;
  }
  send(res, error.status, errorBody(error), error.headers);
}
