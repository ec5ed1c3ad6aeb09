/**
 * One bounded POST: a deadline to connect, another to get the whole answer, at most
 * `maxResponseBytes` of it read (the rest is cut off with the connection, never buffered), and no
 * redirect followed. node:http rather than fetch: it has a connect timeout of its own, never follows
 * redirects, lets the socket be dropped mid-body, and needs no dependency on Node 18.
 */
import http, { type IncomingHttpHeaders } from "node:http";
import https from "node:https";

export interface PostLimits {
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  maxResponseBytes: number;
}

export interface PostAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The first `maxResponseBytes` of the body. */
  body: Buffer;
  truncated: boolean;
}

/** Rejects with a short, secret-free Error (its message is kept as the delivery's error). */
export function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  limits: PostLimits,
  agent: http.Agent,
  signal: AbortSignal,
): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error("aborted"));
    const request = (url.protocol === "https:" ? https : http).request(url, {
      method: "POST",
      agent,
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
    });
    let timer: NodeJS.Timeout | undefined;
    const fail = (message: string) => request.destroy(new Error(message));
    const onAbort = () => fail("aborted");
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const answerWithin = () => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(`no answer within ${limits.responseTimeoutMs} ms`), limits.responseTimeoutMs);
    };
    timer = setTimeout(() => fail(`could not connect within ${limits.connectTimeoutMs} ms`), limits.connectTimeoutMs);
    request.on("socket", (socket) => {
      // A kept-alive socket is connected already; a new one starts the answer's clock once it is.
      if (!socket.connecting) answerWithin();
      else socket.once(url.protocol === "https:" ? "secureConnect" : "connect", answerWithin);
    });
    request.on("error", (err: NodeJS.ErrnoException) => {
      done();
      reject(new Error(err.code ? `${err.code}` : err.message));
    });
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = (truncated: boolean) => {
        if (settled) return;
        settled = true;
        done();
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
          truncated,
        });
      };
      response.on("data", (chunk: Buffer) => {
        if (size + chunk.length > limits.maxResponseBytes) {
          chunks.push(chunk.subarray(0, limits.maxResponseBytes - size));
          // Enough read: drop the connection rather than drain a body of any size.
          finish(true);
          response.destroy();
          request.destroy();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      response.on("end", () => finish(false));
      // Cut off mid-body (by the receiver, or by the answer's deadline): the status still stands.
      response.on("close", () => finish(true));
      response.on("error", () => undefined);
    });
    request.end(body);
  });
}
