/**
 * Shared by the proof suites: a real listening server (node:http on both sides, so bodies,
 * headers and paths go out byte for byte as generated) and a full
 * snapshot of a tenant's state read back through the Store interface.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { scim, ALL_SCOPES, type ScimOptions, type Store, type StoreContext } from "../../lib";
import { SCIM_CONTENT_TYPE, TOKEN } from "../helpers/fixtures";
export const MOUNT = "/scim/v2";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: a parsed JSON body, read field by field by the suites.
  body: any;
}

export interface RawRequest {
  method: string;
  /** Path below the mount point, with its query string, exactly as it goes on the wire. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface Live {
  store: Store;
  port: number;
  send(req: RawRequest): Promise<RawResponse>;
  /** Authorised JSON call with the SCIM content type. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse>;
  close(): Promise<void>;
}

export async function live(options: Partial<ScimOptions> & { store: Store }): Promise<Live> {
  const app = express();
  const scimOptions = {
    tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }],
    rateLimit: false,
    ...options,
  } as ScimOptions;
  app.use(MOUNT, scim(scimOptions));
  const server = await new Promise<http.Server>((resolve, reject) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
    s.on("error", reject);
  });
  // Node closes a keep-alive socket after 5 s idle; on a busy machine a wave of requests can take
  // that long, and the agent then reuses a socket the server is closing ("socket hang up"). The
  // sockets are closed by close() below instead.
  server.keepAliveTimeout = 0;
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  const send = (r: RawRequest) =>
    new Promise<RawResponse>((resolve, reject) => {
      const headers = { ...(r.headers ?? {}) };
      if (r.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(r.body));
      const req = http.request(
        { host: "127.0.0.1", port, method: r.method, path: MOUNT + r.path, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown;
            try {
              body = text === "" ? undefined : JSON.parse(text);
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      if (r.body !== undefined) req.write(r.body);
      req.end();
    });

  const call = (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) =>
    send({
      method,
      path,
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { "Content-Type": SCIM_CONTENT_TYPE }),
        ...extra,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const close = () =>
    new Promise<void>((resolve) => {
      agent.destroy();
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      server.close(() => resolve());
    });
  return { store: options.store, port, send, call, close };
}

/**
 * Everything a tenant holds, read back through the Store interface: every user and group with
 * version and dates, every group's members, every user's groups. Two equal snapshots mean no
 * write happened in between (versions move on every write).
 */
export async function snapshot(store: Store, ctx: StoreContext = { tenant: "default" }): Promise<unknown> {
  const all = async (kind: "users" | "groups") => {
    const { total } = await store[kind].query(ctx, { startIndex: 1, count: 0 });
    const { items } = await store[kind].query(ctx, { startIndex: 1, count: total + 10 });
    return items.sort((a, b) => a.id.localeCompare(b.id));
  };
  const flat = (s: { id: string; version: string; created: Date; lastModified: Date; record: unknown }) => ({
    id: s.id,
    version: s.version,
    created: new Date(s.created).toISOString(),
    lastModified: new Date(s.lastModified).toISOString(),
    record: s.record,
  });
  const users = [];
  for (const u of await all("users")) {
    const groups = (await store.groups.groupsOf(ctx, u.id)).map((g) => g.id).sort();
    users.push({ ...flat(u), groups });
  }
  const groups = [];
  for (const g of await all("groups")) {
    const full = await store.groups.get(ctx, g.id, { members: true });
    groups.push({ ...flat(g), members: (full?.members ?? []).map((m) => `${m.type}:${m.value}`).sort() });
  }
  return { users, groups };
}

/** Members of a group as a sorted id list, read through the store. */
export async function memberIds(
  store: Store,
  groupId: string,
  ctx: StoreContext = { tenant: "default" },
): Promise<string[]> {
  const g = await store.groups.get(ctx, groupId, { members: true });
  return (g?.members ?? []).map((m) => m.value).sort();
}

export async function mustCreate(l: Live, path: "/Users" | "/Groups", body: unknown): Promise<string> {
  const res = await l.call("POST", path, body);
  if (res.status !== 201) throw new Error(`POST ${path} -> ${res.status} ${res.text.slice(0, 300)}`);
  return res.body.id as string;
}
