/**
 * webhookSink against real HTTP receivers on 127.0.0.1: what arrives verifies as a Standard Webhook,
 * each answer becomes the right Outcome, and a receiver that is slow, chatty or redirecting cannot
 * hold a delivery or steer it elsewhere.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Socket } from "node:net";
import { Webhook } from "standardwebhooks";
import { post } from "../../lib/delivery/http-post";
import { webhookSink } from "../../lib/delivery/webhook-sink";
import { envelope, never, type Receiver, startReceiver } from "./receiver";
import http from "node:http";

const secret = `whsec_${randomBytes(32).toString("base64")}`;
let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

const sink = (extra: Partial<Parameters<typeof webhookSink>[0]> = {}) =>
  webhookSink({ url: receiver.url, secret, allowInsecureLoopback: true, ...extra });

describe("what the receiver gets", () => {
  test("the envelope as JSON, signed so that standardwebhooks' verify accepts it; webhook-id is the event id", async () => {
    const event = envelope();
    expect(await sink().deliver(event, never)).toEqual({ ok: true });
    const [{ headers, body }] = receiver.received as [(typeof receiver.received)[0]];
    expect(headers["content-type"]).toBe("application/json");
    expect(headers["webhook-id"]).toBe(event.id);
    const verified = new Webhook(secret).verify(body, {
      "webhook-id": String(headers["webhook-id"]),
      "webhook-timestamp": String(headers["webhook-timestamp"]),
      "webhook-signature": String(headers["webhook-signature"]),
    });
    expect(verified).toEqual(event);
    // A tampered body or another secret fails verification.
    const signed = { ...headers } as Record<string, string>;
    expect(() => new Webhook(secret).verify(body.replace("acme", "evil"), signed)).toThrow();
    expect(() => new Webhook(`whsec_${randomBytes(32).toString("base64")}`).verify(body, signed)).toThrow();
  });

  test("a retry carries the same webhook-id, signed afresh with its own timestamp", async () => {
    let now = new Date("2026-01-01T00:00:00Z");
    const clocked = sink({ clock: () => now });
    const event = envelope();
    receiver.answer((_req, res) => res.writeHead(500).end());
    await clocked.deliver(event, never);
    now = new Date("2026-01-01T00:10:00Z");
    await clocked.deliver(event, never);
    const [first, second] = receiver.received;
    expect(first!.headers["webhook-id"]).toBe(event.id);
    expect(second!.headers["webhook-id"]).toBe(event.id);
    expect(Number(second!.headers["webhook-timestamp"]) - Number(first!.headers["webhook-timestamp"])).toBe(600);
  });

  test("during a secret rotation both secrets sign, and a receiver holding either verifies", async () => {
    const next = `whsec_${randomBytes(32).toString("base64")}`;
    expect(await sink({ secret: [secret, next] }).deliver(envelope(), never)).toEqual({ ok: true });
    const { headers, body } = receiver.received[0]!;
    expect(String(headers["webhook-signature"]).split(" ")).toHaveLength(2);
    for (const key of [secret, next]) expect(() => new Webhook(key).verify(body, headers as never)).not.toThrow();
    expect(() => webhookSink({ url: "https://hooks.example.com/scim", secret: [] })).toThrow(/empty list/);
    expect(() => webhookSink({ url: "https://hooks.example.com/scim", secret: [secret, "whsec_x"] })).toThrow(
      /webhookSink\.secret\[1\] must be a Standard Webhooks secret/,
    );
  });

  test("tenants limits a receiver to those tenants' events", async () => {
    const acmeOnly = sink({ tenants: ["acme"] });
    expect(await acmeOnly.deliver(envelope({ tenant: "globex" }), never)).toEqual({ ok: true });
    expect(receiver.received).toHaveLength(0);
    expect(await acmeOnly.deliver(envelope({ tenant: "acme" }), never)).toEqual({ ok: true });
    expect(receiver.received).toHaveLength(1);
    expect(() => sink({ tenants: [] })).toThrow(/tenants must be a non-empty list of tenant names/);
  });

  test("extra headers are sent; events the sink does not want count as delivered without a request", async () => {
    const picky = sink({ events: ["user.deactivated"], headers: { Authorization: "Bearer r3ceiver" } });
    expect(await picky.deliver(envelope({ type: "user.created" }), never)).toEqual({ ok: true });
    expect(receiver.received).toHaveLength(0);
    expect(await picky.deliver(envelope(), never)).toEqual({ ok: true });
    expect(receiver.received[0]!.headers.authorization).toBe("Bearer r3ceiver");
  });
});

describe("outcomes", () => {
  const answered = async (status: number, headers: Record<string, string> = {}, extra = {}) => {
    receiver.answer((_req, res) => res.writeHead(status, headers).end("nope"));
    return sink(extra).deliver(envelope(), never);
  };

  test("any 2xx is delivered", async () => {
    for (const status of [200, 201, 202, 204]) expect(await answered(status)).toEqual({ ok: true });
  });

  test("4xx and 5xx are retried, with the status as the reason and nothing of the body", async () => {
    expect(await answered(400)).toEqual({ ok: false, error: "HTTP 400" });
    expect(await answered(401)).toEqual({ ok: false, error: "HTTP 401" });
    expect(await answered(500)).toEqual({ ok: false, error: "HTTP 500" });
  });

  test("410 Gone is permanent: the receiver is not coming back", async () => {
    expect(await answered(410)).toEqual({ ok: false, error: "HTTP 410", permanent: true });
  });

  test("429 and 503 pass on Retry-After, in seconds or as a date", async () => {
    expect(await answered(429, { "Retry-After": "30" })).toEqual({
      ok: false,
      error: "HTTP 429",
      retryAfterMs: 30_000,
    });
    const clock = () => new Date("2026-01-01T00:00:00Z");
    expect(await answered(503, { "Retry-After": "Thu, 01 Jan 2026 00:02:00 GMT" }, { clock })).toEqual({
      ok: false,
      error: "HTTP 503",
      retryAfterMs: 120_000,
    });
    expect(await answered(503)).toEqual({ ok: false, error: "HTTP 503" });
  });

  test("a redirect is not followed: the event never reaches where it points", async () => {
    const elsewhere = await startReceiver();
    try {
      expect(await answered(307, { Location: elsewhere.url })).toEqual({
        ok: false,
        error: "HTTP 307 (redirects are not followed)",
      });
      expect(elsewhere.received).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  test("a receiver that is down is a retryable failure", async () => {
    const url = receiver.url;
    await receiver.close();
    expect(await webhookSink({ url, secret, allowInsecureLoopback: true }).deliver(envelope(), never)).toEqual({
      ok: false,
      error: "ECONNREFUSED",
    });
    receiver = await startReceiver();
  });
});

describe("bounded: a receiver cannot hold a delivery", () => {
  test("a receiver that never answers times out after responseTimeoutMs", async () => {
    receiver.answer(() => undefined);
    expect(await sink({ responseTimeoutMs: 200 }).deliver(envelope(), never)).toEqual({
      ok: false,
      error: "no answer within 200 ms",
    });
  });

  test("a TLS handshake that never completes times out after connectTimeoutMs", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    try {
      const tls = webhookSink({ url: `https://127.0.0.1:${port}/hooks`, secret, connectTimeoutMs: 200 });
      expect(await tls.deliver(envelope(), never)).toEqual({ ok: false, error: "could not connect within 200 ms" });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test("an endless answer is cut after maxResponseBytes, not buffered", async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    receiver.answer((_req, res) => {
      res.writeHead(500);
      const chunk = Buffer.alloc(64 * 1024, "x");
      const pump = () => {
        while (res.write(chunk)) {}
      };
      res.on("drain", pump);
      res.on("close", closed);
      pump();
    });
    expect(await sink({ maxResponseBytes: 1024 }).deliver(envelope(), never)).toEqual({ ok: false, error: "HTTP 500" });
    await connectionClosed;
  });

  test("post() keeps exactly the first maxResponseBytes and says it cut the rest", async () => {
    receiver.answer((_req, res) => res.writeHead(200).end(Buffer.alloc(5 * 1024 * 1024, "y")));
    const limits = { connectTimeoutMs: 5000, responseTimeoutMs: 5000, maxResponseBytes: 1000 };
    const answer = await post(new URL(receiver.url), "{}", {}, limits, new http.Agent(), never);
    expect(answer).toMatchObject({ status: 200, truncated: true });
    expect(answer.body.length).toBe(1000);
    receiver.answer((_req, res) => res.writeHead(200).end("small"));
    const small = await post(new URL(receiver.url), "{}", {}, limits, new http.Agent(), never);
    expect(small).toMatchObject({ status: 200, truncated: false });
    expect(small.body.toString()).toBe("small");
  });

  test("shutdown aborts a delivery in flight", async () => {
    receiver.answer(() => undefined);
    const controller = new AbortController();
    const pending = sink().deliver(envelope(), controller.signal);
    await new Promise<void>((resolve) => {
      const wait = () => (receiver.received.length > 0 ? resolve() : setImmediate(wait));
      wait();
    });
    controller.abort();
    expect(await pending).toEqual({ ok: false, error: "aborted" });
  });
});

describe("options are checked at start-up", () => {
  const make = (options: Record<string, unknown>) => () =>
    webhookSink({ url: "https://hooks.example.com/scim", secret, ...options } as never);

  test("https only; http just to loopback, and only when allowed", () => {
    expect(make({ url: "http://hooks.example.com/x" })).toThrow(/must use https/);
    expect(make({ url: "http://hooks.example.com/x", allowInsecureLoopback: true })).toThrow(/must use https/);
    expect(make({ url: "http://127.0.0.1:9/x" })).toThrow(/allowInsecureLoopback: true/);
    expect(make({ url: "http://localhost:9/x", allowInsecureLoopback: true })).not.toThrow();
    expect(make({ url: "ftp://hooks.example.com/x" })).toThrow(/must use https/);
    expect(make({ url: "not a url" })).toThrow(/not a valid URL/);
    expect(make({ url: "https://user:pw@hooks.example.com/x" })).toThrow(/must not carry credentials/);
    expect(make({ url: "https://hooks.example.com/x" })).not.toThrow();
  });

  test("a secret that is no Standard Webhooks secret, bad limits, events or headers", () => {
    expect(make({ secret: undefined })).toThrow(/secret must be a Standard Webhooks secret/);
    expect(make({ secret: "whsec_short" })).toThrow(/secret must be a Standard Webhooks secret/);
    expect(make({ secret: "whsec_not base64!" })).toThrow(TypeError);
    expect(make({ responseTimeoutMs: 0 })).toThrow(/responseTimeoutMs must be a positive whole number/);
    expect(make({ maxResponseBytes: "1kb" })).toThrow(/maxResponseBytes/);
    expect(make({ events: ["user.exploded"] })).toThrow(/events names "user.exploded"; known: user.created/);
    expect(make({ events: [] })).toThrow(/non-empty list/);
    expect(make({ headers: { "Webhook-Signature": "v1,x" } })).toThrow(/may not set Webhook-Signature/);
    expect(make({ headers: { "X-Token": "a\r\nb" } })).toThrow(/one-line string/);
  });

  test("the name comes from the URL without its query, which may hold a token", () => {
    expect(webhookSink({ url: "https://hooks.example.com/scim?token=s3cret", secret }).name).toBe(
      "webhook https://hooks.example.com/scim",
    );
    expect(webhookSink({ url: "https://hooks.example.com/scim", secret, name: "crm" }).name).toBe("crm");
  });
});
