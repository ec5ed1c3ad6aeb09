/**
 * The check's only way to reach a server: plain HTTP, as an identity provider sends it. It knows
 * nothing of this library's internals, so it works against any SCIM server.
 */

/** A request as it went out, kept to print beside a failure. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** One request and its answer. `body` is the parsed JSON, or undefined when there was none. */
export interface Exchange {
  request: SentRequest;
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: a parsed JSON body, read field by field by the sequences.
  body: any;
}

export interface CallOptions {
  /** A JSON value to send (serialised here), or `raw` text sent as is. */
  body?: unknown;
  raw?: string;
  /** Defaults to application/scim+json; `null` sends no Content-Type at all (Okta's spec test). */
  contentType?: string | null;
  /** Defaults to the client's token; `null` sends no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
}

/** Sends one request to a path under the service's base URL. */
export type Call = (method: string, path: string, options?: CallOptions) => Promise<Exchange>;

/** A request that got no answer (refused, reset, timed out): the step fails with this. */
export class NoAnswer extends Error {
  constructor(
    message: string,
    readonly request: SentRequest,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  /** The service's base URL, e.g. https://app.example.com/scim/v2 (no trailing slash needed). */
  base: string;
  token: string;
  /** Per request; a server slower than this fails the step (Okta gives up after 60 s). */
  timeoutMs?: number;
  /** How often a 429 is retried after its Retry-After, as Okta and Entra do (default 5). */
  retries?: number;
}

/** The longest Retry-After the check waits; a server asking for more fails the step with its 429. */
const MAX_RETRY_AFTER_S = 30;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SCIM_JSON = "application/scim+json; charset=utf-8";

export function httpClient({ base, token, timeoutMs = 30_000, retries = 5 }: ClientOptions): Call {
  const root = base.replace(/\/+$/, "");
  const once = async (method: string, path: string, o: CallOptions = {}): Promise<Exchange> => {
    const headers: Record<string, string> = { Accept: "application/scim+json", ...(o.headers ?? {}) };
    const bearer = o.token === undefined ? token : o.token;
    if (bearer !== null) headers.Authorization = `Bearer ${bearer}`;
    const payload = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
    const contentType = o.contentType === undefined ? SCIM_JSON : o.contentType;
    // Okta sends a Content-Type on GET and DELETE too; a caller asks for it by naming one.
    if (contentType !== null && (payload !== undefined || o.contentType !== undefined))
      headers["Content-Type"] = contentType;
    const request: SentRequest = {
      method,
      url: root + path,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
    };
    let res: Response;
    let text: string;
    try {
      // A Uint8Array body goes out without the text/plain type fetch gives strings.
      res = await fetch(request.url, {
        method,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
        ...(payload === undefined ? {} : { body: new TextEncoder().encode(payload) }),
      });
      text = await res.text();
    } catch (error) {
      const e = error as Error & { cause?: { code?: string; message?: string } };
      const why =
        e.name === "TimeoutError" || e.name === "AbortError"
          ? `no answer within ${timeoutMs / 1000} s`
          : (e.cause?.code ?? e.cause?.message ?? e.message);
      throw new NoAnswer(`${method} ${request.url}: ${why}`, request);
    }
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { request, status: res.status, headers: res.headers, text, body };
  };
  // clients.md: on overload a server answers 429 with Retry-After, and both clients back off and retry.
  return async (method, path, o) => {
    for (let attempt = 0; ; attempt++) {
      const x = await once(method, path, o);
      const after = Number(x.headers.get("retry-after") ?? "1");
      if (x.status !== 429 || attempt >= retries || !(after >= 0 && after <= MAX_RETRY_AFTER_S)) return x;
      await pause(Math.max(after, 0.1) * 1000);
    }
  };
}
