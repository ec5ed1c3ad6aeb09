/**
 * A real HTTP receiver on 127.0.0.1 and an ephemeral port, told per test how to answer. Records
 * each request (headers and raw body) so a test can verify what arrived the way a receiver would.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EventEnvelope } from "../../lib/events/envelope";

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** How the next requests are answered; default 204. */
  answer: (handler: (req: IncomingMessage, res: ServerResponse) => void) => void;
  close: () => Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let handler = (_req: IncomingMessage, res: ServerResponse) => {
    res.statusCode = 204;
    res.end();
  };
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answer: (h) => {
      handler = h;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let seq = 0;
/** An envelope as the outbox records it; every call a new id and sequence number. */
export function envelope(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  seq += 1;
  return {
    id: `evt_${seq.toString().padStart(6, "0")}`,
    type: "user.deactivated",
    tenant: "acme",
    seq,
    resourceType: "User",
    resourceId: "2819c223-7f76-453a-919d-413861904646",
    actor: "okta",
    time: "2026-01-01T00:00:00.000Z",
    data: { changed: ["active"], patch: [{ op: "replace", path: "/active", value: false }] },
    ...overrides,
  };
}

export const never = new AbortController().signal;
