/**
 * RFC 9865 cursors. A cursor is opaque to the client but carries, signed, everything the next
 * page needs: where the previous page ended (a position the store made), when it stops being
 * honoured, and a digest of the query it belongs to (resource type, tenant, filter, sort). The
 * server keeps nothing between pages, so any instance that shares the secret can serve the next one.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { expiredCursor, invalidCursor } from "../protocol/errors";

export interface CursorKeys {
  /** HMAC key; every instance serving one database needs the same one. */
  secret: Uint8Array;
  /** RFC 9865 `cursorTimeout`: seconds a cursor stays valid after it was issued. */
  timeoutSeconds: number;
  /** Milliseconds since the epoch (Date.now unless a test injects a clock). */
  now: () => number;
}

/** Where the previous page ended, as the service records it (see lib/service/cursor-paging.ts). */
export type CursorPosition = { k: unknown } | { i: number };

interface Payload {
  /** Digest of the query's scope. */
  q: string;
  /** Expiry, in seconds since the epoch. */
  e: number;
  p: CursorPosition;
}

/** A cursor can never be longer than this; anything longer is not one of ours. */
const MAX_CURSOR_CHARS = 4096;

/** What a cursor is bound to, as one string: a cursor replayed with any other part is refused. */
export function cursorScope(parts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 22);
}

export function sealCursor(keys: CursorKeys, scope: string, position: CursorPosition): string {
  const payload: Payload = { q: scope, e: Math.floor(keys.now() / 1000) + keys.timeoutSeconds, p: position };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${sign(keys, body)}`;
}

/** The position a cursor carries; 400 invalidCursor or expiredCursor (RFC 9865 3.3) otherwise. */
export function openCursor(keys: CursorKeys, scope: string, cursor: string): CursorPosition {
  const dot = cursor.indexOf(".");
  if (cursor.length > MAX_CURSOR_CHARS || dot < 0) throw invalidCursor("The cursor is not one this server issued.");
  const body = cursor.slice(0, dot);
  const given = Buffer.from(cursor.slice(dot + 1), "base64url");
  const expected = Buffer.from(sign(keys, body), "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw invalidCursor("The cursor is not one this server issued, or it was altered.");
  const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Payload;
  // RFC 9865 2.1: the client repeats the query with each cursor; another query gets another order.
  if (payload.q !== scope)
    throw invalidCursor(
      "The cursor belongs to another query: repeat the filter, sortBy and sortOrder of the request that returned it.",
    );
  if (payload.e * 1000 <= keys.now())
    throw expiredCursor(`The cursor expired (cursors last ${keys.timeoutSeconds} seconds); start again without one.`);
  return payload.p;
}

function sign(keys: CursorKeys, body: string): string {
  return createHmac("sha256", keys.secret).update(body).digest("base64url");
}
