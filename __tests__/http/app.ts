/**
 * Test hosts: a real Express app (Express 5, or 4 under jest.express4.config.js) with the router
 * mounted where a user would mount it, driven over HTTP by supertest; and a listening server for
 * the client replays. Fixtures (token, URNs, client bodies, the error check) are in
 * __tests__/helpers/fixtures.ts.
 */
import express from "express";
import request from "supertest";
import { scim, memoryStore, ALL_SCOPES, type ScimEvents, type ScimOptions, type Store } from "../../lib";
import { httpClient, type CallOptions, type Exchange } from "../../lib/cli/check/exchange";
import { GROUP_SCHEMA, LIST_SCHEMA, oktaUser, SCIM_CONTENT_TYPE, TOKEN } from "../helpers/fixtures";
import { contractRecorder } from "../helpers/openapi-contract";

export interface TestHost {
  app: express.Express;
  store: Store;
  /** The router's events (feed, dead letters, idle) when the store has an outbox. */
  events?: ScimEvents;
  /** supertest bound to the app with the all-scopes token and a SCIM content type. */
  get(path: string): request.Test;
  post(path: string, body?: unknown): request.Test;
  put(path: string, body?: unknown): request.Test;
  patch(path: string, body?: unknown): request.Test;
  delete(path: string): request.Test;
}

export function host(overrides: Partial<ScimOptions> = {}, mount = "/scim/v2"): TestHost {
  const store = overrides.store ?? memoryStore();
  const app = express();
  const options = { store, tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }], ...overrides } as ScimOptions;
  const router = scim(options); // first: its start-up errors are what a test expects
  app.use(mount, contractRecorder(options), router);
  // With an outbox, listeners run from the delivery loop just after the response: each request
  // resolves once its events were delivered, so tests read them as they always have.
  const auth = (t: request.Test) => delivered(t.set("Authorization", `Bearer ${TOKEN}`), router.events);
  const withBody = (t: request.Test, body: unknown) =>
    body === undefined ? t : t.set("Content-Type", "application/scim+json; charset=utf-8").send(JSON.stringify(body));
  return {
    app,
    store,
    ...(router.events ? { events: router.events } : {}),
    get: (p) => auth(request(app).get(mount + p)),
    post: (p, b) => withBody(auth(request(app).post(mount + p)), b),
    put: (p, b) => withBody(auth(request(app).put(mount + p)), b),
    patch: (p, b) => withBody(auth(request(app).patch(mount + p)), b),
    delete: (p) => auth(request(app).delete(mount + p)),
  };
}

/** `t`, resolving only once the router's due deliveries were made. */
function delivered(t: request.Test, events: ScimEvents | undefined): request.Test {
  if (!events) return t;
  const then = t.then.bind(t);
  // biome-ignore lint/suspicious/noThenProperty: supertest's Test is a thenable; this one waits for delivery too.
  t.then = ((resolve, reject) =>
    then((res) => events.idle().then(() => res)).then(resolve, reject)) as request.Test["then"];
  return t;
}

export async function createUser(h: TestHost, userName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await h.post("/Users", oktaUser(userName, extra)).expect(201);
  return res.body.id as string;
}

export async function createGroup(h: TestHost, displayName: string, memberIds: string[] = []): Promise<string> {
  const res = await h
    .post("/Groups", { schemas: [GROUP_SCHEMA], displayName, members: memberIds.map((value) => ({ value })) })
    .expect(201);
  return res.body.id as string;
}

/* ------------------------------------------------------------------------------------------------
 * Replays against a real listening server: the client-replay suites start the router on
 * 127.0.0.1, port 0, and talk to it with fetch, the way Okta and Entra do (no supertest in between).
 */

/** One recorded exchange as the client saw it, and the request options: the check CLI's own (lib/cli/check). */
export type { CallOptions, Exchange } from "../../lib/cli/check/exchange";

export interface LiveServer {
  /** Absolute URL of the mount point, e.g. http://127.0.0.1:41234/scim/v2 */
  base: string;
  store: Store;
  /** Requests sent so far through `call`. */
  readonly requests: number;
  call(method: string, path: string, options?: CallOptions): Promise<Exchange>;
  close(): Promise<void>;
}

/** Starts `scim(options)` under `mount` on an ephemeral port. Close it in afterAll. */
export interface ReplayStore {
  store: Store;
  dispose: () => Promise<void>;
  /** Users `{ userName }` of the default tenant, added in bulk; answers their ids in order. */
  seedUsers: (userNames: string[]) => Promise<string[]>;
}

/**
 * The store replays run on: memory by default; REPLAY_STORE=sqlite or postgres (set by the
 * jest.replay-*.config.js runs) replays the same client sequences on the SQL stores.
 */
export async function replayStore(): Promise<ReplayStore> {
  const kind = process.env.REPLAY_STORE ?? "memory";
  const ctx = { tenant: "default" };
  // In-process stores take thousands of creates in a second or two, even on a busy machine.
  const oneByOne = (store: Store) => async (userNames: string[]) => {
    const ids: string[] = [];
    for (const userName of userNames) ids.push((await store.users.create(ctx, { userName })).id);
    return ids;
  };
  if (kind === "sqlite") {
    const { sqliteStore } = await import("../../lib/stores/sqlite");
    const store = sqliteStore({ filename: ":memory:", migrate: true });
    return { store, dispose: () => store.close(), seedUsers: oneByOne(store) };
  }
  if (kind === "postgres") {
    const { postgresStore } = await import("../../lib/stores/postgres");
    const { Pool } = await import("pg");
    const { randomUUID } = await import("node:crypto");
    const { fold } = await import("../../lib/values/fold");
    const schema = `scim_replay_${Math.random().toString(16).slice(2, 10)}`;
    const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
    const store = postgresStore({ pool, schema, migrate: true });
    // PostgreSQL: one INSERT for all rows, as bench/sql-util.js loads its million users; a round
    // trip and a commit per user took over 30 s on a loaded machine. The columns are those of
    // lib/stores/postgres/migrations.ts; reading the first row back through the store proves it.
    const seedUsers = async (userNames: string[]) => {
      await store.migrate();
      const ids = userNames.map(() => randomUUID());
      await pool.query(
        `INSERT INTO "${schema}".users (tenant, id, version, created, last_modified, record, user_name, user_name_fold, display)
         SELECT $1, u.id, 1, now(), now(), jsonb_build_object('userName', u.name), u.name, u.folded, u.name
         FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(id, name, folded, n) ORDER BY u.n`,
        [ctx.tenant, ids, userNames, userNames.map(fold)],
      );
      const first = ids.length ? await store.users.get(ctx, ids[0]!) : null;
      if (ids.length && first?.record.userName !== userNames[0])
        throw new Error(`seedUsers: the store does not read back what was seeded (${JSON.stringify(first)})`);
      return ids;
    };
    return {
      store,
      dispose: async () => {
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      },
      seedUsers,
    };
  }
  const store = memoryStore();
  return { store, dispose: async () => {}, seedUsers: oneByOne(store) };
}

export async function liveServer(overrides: Partial<ScimOptions> = {}, mount = "/scim/v2"): Promise<LiveServer> {
  const own = overrides.store ? undefined : await replayStore();
  const store = overrides.store ?? own!.store;
  const app = express();
  const options = { store, tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }], ...overrides } as ScimOptions;
  const router = scim(options); // first: its start-up errors are what a test expects
  app.use(mount, contractRecorder(options), router);
  const server = await new Promise<import("http").Server>((resolve, reject) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
    s.on("error", reject);
  });
  // No idle close by the server: on a starved event loop it can race a client reusing the
  // socket (see __tests__/proof/harness.ts); close() below ends every connection.
  server.keepAliveTimeout = 0;
  const { port } = server.address() as import("net").AddressInfo;
  const base = `http://127.0.0.1:${port}${mount}`;
  let requests = 0;
  // The same client `express-scim check` uses against any server.
  const client = httpClient({ base, token: TOKEN, timeoutMs: 120_000 });
  const call: LiveServer["call"] = (method, path, o) => {
    requests += 1;
    return client(method, path, o).then(async (exchange) => {
      // Listeners run just after the response: a step reads the events of its own request.
      await router.events?.idle();
      return exchange;
    });
  };
  const close = async () => {
    await new Promise<void>((resolve) => {
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      server.close(() => resolve());
    });
    await router.events?.stop();
    await own?.dispose();
  };
  return {
    base,
    store,
    get requests() {
      return requests;
    },
    call,
    close,
  };
}

/** A ListResponse as clients read it: integers, Resources always present, itemsPerPage = page size. */
export function expectList(x: Exchange, totalResults?: number): void {
  expect({ status: x.status, body: x.body }).toMatchObject({ status: 200, body: { schemas: [LIST_SCHEMA] } });
  expect(x.headers.get("content-type")).toBe(SCIM_CONTENT_TYPE);
  for (const key of ["totalResults", "startIndex", "itemsPerPage"]) {
    if (!Number.isInteger(x.body[key])) throw new Error(`${key} is not an integer: ${JSON.stringify(x.body[key])}`);
  }
  expect(Array.isArray(x.body.Resources)).toBe(true);
  expect(x.body.itemsPerPage).toBe(x.body.Resources.length);
  if (totalResults !== undefined) expect(x.body.totalResults).toBe(totalResults);
  for (const r of x.body.Resources) expectNoPassword(r);
}

/** A single resource answer: status, SCIM content type, schemas, id, meta; never a password. */
export function expectResource(x: Exchange, status: number, schema: string): void {
  expect({ status: x.status, schemas: x.body?.schemas }).toEqual({ status, schemas: expect.arrayContaining([schema]) });
  expect(x.headers.get("content-type")).toBe(SCIM_CONTENT_TYPE);
  expect(typeof x.body.id).toBe("string");
  expect(x.body.meta).toMatchObject({ resourceType: schema === GROUP_SCHEMA ? "Group" : "User" });
  expectNoPassword(x.body);
}

/** `password` is writeOnly (RFC 7643 4.1.1): it never appears anywhere in a response. */
export function expectNoPassword(body: unknown): void {
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      for (const [k, inner] of Object.entries(v)) {
        if (k.toLowerCase() === "password") throw new Error(`password echoed in ${JSON.stringify(body)}`);
        walk(inner);
      }
    }
  };
  walk(body);
}

export { filterQuery } from "../../lib/cli/check/sequences/queries";

/**
 * Sends one request exactly as written (raw spaces and quotes in the query, odd headers), over a
 * plain socket, for what fetch would re-encode. Answers the status, headers and parsed body.
 */
export async function rawRequest(
  server: LiveServer,
  method: string,
  pathAndQuery: string,
  body?: string,
): Promise<Exchange> {
  const net = await import("node:net");
  const url = new URL(server.base);
  const target = url.pathname + pathAndQuery;
  const lines = [
    `${method} ${target} HTTP/1.1`,
    `Host: ${url.host}`,
    `Authorization: Bearer ${TOKEN}`,
    "Connection: close",
    ...(body === undefined ? [] : [`Content-Type: ${SCIM_CONTENT_TYPE}`, `Content-Length: ${Buffer.byteLength(body)}`]),
  ];
  const response = await new Promise<Buffer>((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () =>
      socket.end(`${lines.join("\r\n")}\r\n\r\n${body ?? ""}`),
    );
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("end", () => resolve(Buffer.concat(chunks)));
    socket.on("error", reject);
  });
  const split = response.indexOf("\r\n\r\n");
  const [statusLine, ...headerLines] = response.subarray(0, split).toString("latin1").split("\r\n");
  const headers = new Headers();
  for (const line of headerLines) {
    const at = line.indexOf(":");
    if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  let payload = response.subarray(split + 4);
  // Undo chunked transfer coding, if the server used it (sizes count bytes, so work on bytes).
  if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) {
    const parts: Buffer[] = [];
    for (let at = 0; ; ) {
      const nl = payload.indexOf("\r\n", at);
      const size = parseInt(payload.subarray(at, nl).toString("latin1"), 16);
      if (!size) break;
      parts.push(payload.subarray(nl + 2, nl + 2 + size));
      at = nl + 2 + size + 2;
    }
    payload = Buffer.concat(parts);
  }
  const text = payload.toString("utf8");
  let parsed: unknown;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const request = { method, url: `${url.origin}${target}`, headers: {}, ...(body === undefined ? {} : { body }) };
  return { request, status: Number(statusLine?.split(" ")[1]), headers, text, body: parsed };
}
