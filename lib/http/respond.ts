/** Every response leaves through here: one content type, one error format (RFC 7644 3.12). */
import type { Response } from "express";
import { ScimError, errorBody } from "../protocol/errors";

// Entra's validator warns on anything else.
export const SCIM_CONTENT_TYPE = "application/scim+json; charset=utf-8";

export function send(res: Response, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.status(status);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body === undefined) {
    res.end();
    return;
  }
  res.setHeader("Content-Type", SCIM_CONTENT_TYPE);
  res.end(JSON.stringify(body));
}

export function sendError(res: Response, error: ScimError): void {
  send(res, error.status, errorBody(error), error.headers);
}
