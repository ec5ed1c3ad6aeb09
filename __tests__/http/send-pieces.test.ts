/**
 * sendPieces (lib/http/respond.ts) against a stand-in response: what it writes, and that other
 * work gets the event loop between writes even when the socket never pushes back.
 */
import { EventEmitter } from "node:events";
import type { Response } from "express";
import { sendPieces } from "../../lib/http/respond";

class FakeResponse extends EventEmitter {
  statusCode = 0;
  headers: Record<string, string> = {};
  writes: string[] = [];
  ended: string | undefined;
  destroyed = false;
  constructor(private readonly accepts: boolean) {
    super();
  }
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  setHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  write(text: string) {
    this.writes.push(text);
    return this.accepts;
  }
  end(text: string) {
    this.ended = text;
  }
}

async function* pieces(n: number, size: number): AsyncGenerator<string> {
  for (let i = 0; i < n; i++) yield String(i % 10).repeat(size);
}

const run = (res: FakeResponse, source: AsyncIterable<string>) => sendPieces(res as unknown as Response, 200, source);

test("a small body is one end() (so it keeps its Content-Length)", async () => {
  const res = new FakeResponse(true);
  await run(res, pieces(3, 10));
  expect(res.writes).toEqual([]);
  expect(res.ended).toBe("0".repeat(10) + "1".repeat(10) + "2".repeat(10));
  expect(res.statusCode).toBe(200);
  expect(res.headers["Content-Type"]).toBe("application/scim+json; charset=utf-8");
});

test("a large body goes out in writes of about 64 KiB, in order, nothing lost", async () => {
  const res = new FakeResponse(true);
  await run(res, pieces(10, 30_000));
  expect(res.writes.length).toBe(3);
  expect(res.writes.join("") + res.ended).toBe(Array.from({ length: 10 }, (_, i) => String(i).repeat(30_000)).join(""));
});

test("other work runs between writes even when every write is accepted at once", async () => {
  const res = new FakeResponse(true);
  let interleaved = false;
  // Queued before the body starts: it runs mid-body only if sendPieces lets the event loop turn.
  setImmediate(() => (interleaved = res.ended === undefined && res.writes.length > 0));
  await run(res, pieces(10, 70_000));
  expect(interleaved).toBe(true);
});

test("waits for drain when the socket pushes back, and stops when the client goes away", async () => {
  const res = new FakeResponse(false);
  let produced = 0;
  async function* counted() {
    for (let i = 0; i < 10; i++) {
      produced++;
      yield "x".repeat(70_000);
    }
  }
  const sending = run(res, counted());
  await new Promise((resolve) => setImmediate(resolve));
  expect(res.writes).toHaveLength(1);
  res.emit("drain");
  await new Promise((resolve) => setImmediate(resolve));
  expect(res.writes).toHaveLength(2);
  res.emit("close");
  await sending;
  expect(res.ended).toBeUndefined();
  expect(produced).toBe(2);
});
