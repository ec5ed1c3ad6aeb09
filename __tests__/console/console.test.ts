/**
 * The console over HTTP (supertest): what an admin sees after an IdP provisions, what the
 * console refuses, and that nothing secret leaves through it.
 */
import request from "supertest";
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from "../../lib/schema/urns";
import express from "express";
import { memoryRequestLog, scimConsole, scimHealth, CONTENT_SECURITY_POLICY } from "../../lib/console";
import { ALL_SCOPES, memoryStore, scim } from "../../lib";
import { ADMIN, SCIM_TOKEN, consoleHost } from "./app";

const admin = (t: request.Test) => t.set("Authorization", `Bearer ${ADMIN}`);
const scimAs = (t: request.Test, token = SCIM_TOKEN) =>
  t.set("Authorization", `Bearer ${token}`).set("Content-Type", "application/scim+json");

const PASSWORD = "Hunter2-very-secret-password";
const EMPLOYEE_NUMBER = "EMP-31337-SECRET";
const user = (userName: string) => ({
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  userName,
  password: PASSWORD,
  [ENTERPRISE_USER_SCHEMA]: { employeeNumber: EMPLOYEE_NUMBER },
});

/** The form value of the CSRF token on a page, and the cookie that goes with it. */
function formToken(res: request.Response): { csrf: string; cookie: string } {
  const csrf = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
  const cookie = ([] as string[]).concat(res.headers["set-cookie"] ?? [])[0]?.split(";")[0];
  if (!csrf || !cookie) throw new Error("no CSRF token on the page");
  return { csrf, cookie };
}

test("a provisioned user shows in the request log, and a failed request keeps its redacted bodies", async () => {
  const h = consoleHost();
  const created = await scimAs(request(h.app).post("/scim/v2/Users")).send(user("ada@example.com")).expect(201);
  await scimAs(request(h.app).post("/scim/v2/Users")).send(user("ada@example.com")).expect(409);

  const list = await admin(request(h.app).get("/admin/requests")).expect(200);
  expect(list.text).toContain("/Users");
  expect(list.text).toContain("okta-production");
  expect(list.text).toMatch(/>201</);
  expect(list.text).toMatch(/>409</);

  const failures = await admin(request(h.app).get("/admin/requests?status=4xx")).expect(200);
  const [conflict] = [...failures.text.matchAll(/href="\/admin\/requests\/([0-9a-f-]+)"/g)].map((m) => m[1]);
  const page = await admin(request(h.app).get(`/admin/requests/${conflict}`)).expect(200);
  expect(page.text).toContain("ada@example.com");
  expect(page.text).toContain("uniqueness");
  expect(page.text).toContain("[redacted]");

  // A failed write to a resource: one click to its current state and the requests that named it.
  const id = created.body.id as string;
  await scimAs(request(h.app).patch(`/scim/v2/Users/${id}`))
    .send({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "frobnicate" }] })
    .expect(400);
  const newest = await admin(request(h.app).get("/admin/requests?status=4xx")).expect(200);
  const patched = /href="\/admin\/requests\/([0-9a-f-]+)"/.exec(newest.text)?.[1];
  const failed = await admin(request(h.app).get(`/admin/requests/${patched}`)).expect(200);
  expect(failed.text).toContain("frobnicate");
  const link = /href="(\/admin\/resources\/Users\/[^"]+)"/.exec(failed.text)?.[1];
  expect(link).toContain(id);
  const resource = await admin(request(h.app).get(link!.replace(/&amp;/g, "&"))).expect(200);
  expect(resource.text).toContain("ada@example.com");
  expect(resource.text).toMatch(/>PATCH<[\s\S]*>400</);
  expect(resource.text).toContain("Changes from the audit trail");
});

test("no password, no token and no marked attribute appears in any page, log row or JSON", async () => {
  const h = consoleHost();
  const created = await scimAs(request(h.app).post("/scim/v2/Users")).send(user("grace@example.com")).expect(201);
  const id = created.body.id as string;
  await scimAs(request(h.app).patch(`/scim/v2/Users/${id}`))
    .send({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [
        { op: "replace", path: "password", value: PASSWORD },
        { op: "Replace", value: { [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`]: EMPLOYEE_NUMBER } },
      ],
    })
    .expect(200);
  await scimAs(request(h.app).post("/scim/v2/Users")).send(user("grace@example.com")).expect(409);
  await scimAs(request(h.app).get("/scim/v2/Users"), "scim_wrong-token-that-looks-real-00000000").expect(401);

  const pages: string[] = [];
  const list = await admin(request(h.app).get("/admin/requests")).expect(200);
  pages.push(list.text);
  for (const [, entry] of list.text.matchAll(/href="\/admin\/requests\/([0-9a-f-]+)"/g))
    pages.push((await admin(request(h.app).get(`/admin/requests/${entry}`)).expect(200)).text);
  for (const path of ["/admin/", "/admin/tokens", `/admin/resources/Users/${id}`, "/admin/readyz", "/admin/healthz"])
    pages.push((await admin(request(h.app).get(path))).text);
  const { items } = await h.requestLog.log.list({ count: 1000 });
  pages.push(JSON.stringify(items));

  expect(items.length).toBe(4);
  expect(items.every((e) => e.requestBody !== undefined || e.method === "GET")).toBe(true);
  for (const text of pages) {
    for (const secret of [PASSWORD, EMPLOYEE_NUMBER, SCIM_TOKEN, "scim_wrong-token", ADMIN])
      expect(text).not.toContain(secret);
  }
});

test("tokens: issue one (secret shown once), use it, see it used, revoke it and see 401", async () => {
  const h = consoleHost();
  const page = await admin(request(h.app).get("/admin/tokens")).expect(200);
  const { csrf, cookie } = formToken(page);
  const issued = await admin(request(h.app).post("/admin/tokens"))
    .set("Cookie", cookie)
    .type("form")
    .send(
      `_csrf=${encodeURIComponent(csrf)}&label=entra-test&scopes=get:users&scopes=post:users&expiresIn=30d&profile=entra`,
    )
    .expect(201);
  const secret = /<output class="secret" id="new-token">([^<]+)<\/output>/.exec(issued.text)?.[1];
  expect(secret).toMatch(/^scim_/);
  // Entra's profile, like every client's, wants the client's User-Agent.
  const entra = (t: request.Test) => scimAs(t, secret).set("User-Agent", "Microsoft.Identity.Provisioning");
  await scimAs(request(h.app).get("/scim/v2/Users"), secret).expect(400);
  await entra(request(h.app).get("/scim/v2/Users")).expect(200);
  await entra(request(h.app).delete("/scim/v2/Users/x")).expect(403);

  const listed = await admin(request(h.app).get("/admin/tokens")).expect(200);
  expect(listed.text).not.toContain(secret);
  expect(listed.text).toContain("entra-test");
  const [record] = (await h.registry.list()).filter((t) => t.label === "entra-test");
  expect(record!.profile).toBe("entra");
  expect(listed.text).toMatch(/<td>entra<\/td>/);
  expect(listed.text).toMatch(new RegExp(`${record!.id}/revoke`));
  const revoked = await admin(request(h.app).post(`/admin/tokens/${record!.id}/revoke`))
    .set("Cookie", cookie)
    .type("form")
    .send(`_csrf=${encodeURIComponent(csrf)}`)
    .expect(200);
  expect(revoked.text).toContain("revoked");
  await entra(request(h.app).get("/scim/v2/Users")).expect(401);
});

test("rotate keeps the old token for the grace period and hands out a new one", async () => {
  const h = consoleHost();
  const page = await admin(request(h.app).get("/admin/tokens")).expect(200);
  const { csrf, cookie } = formToken(page);
  const form = (body: string) => `_csrf=${encodeURIComponent(csrf)}&${body}`;
  const issued = await admin(request(h.app).post("/admin/tokens"))
    .set("Cookie", cookie)
    .type("form")
    .send(form("label=x&scopes=get:users"))
    .expect(201);
  const old = /id="new-token">([^<]+)</.exec(issued.text)![1]!;
  const [record] = await h.registry.list();
  const rotated = await admin(request(h.app).post(`/admin/tokens/${record!.id}/rotate`))
    .set("Cookie", cookie)
    .type("form")
    .send(form("grace=1h"))
    .expect(201);
  const successor = /id="new-token">([^<]+)</.exec(rotated.text)![1]!;
  expect(successor).not.toBe(old);
  await scimAs(request(h.app).get("/scim/v2/Users"), old).expect(200);
  await scimAs(request(h.app).get("/scim/v2/Users"), successor).expect(200);
  // A mistake in the form is a 400 that says what is wrong, and writes nothing.
  const bad = await admin(request(h.app).post("/admin/tokens"))
    .set("Cookie", cookie)
    .type("form")
    .send(form("label=y&scopes=get:everything"))
    .expect(400);
  expect(bad.text).toContain("unknown scopes");
  expect(await h.registry.list()).toHaveLength(2);
});

test("a POST without the CSRF token, with a forged one, or from another origin is refused", async () => {
  const h = consoleHost();
  const page = await admin(request(h.app).get("/admin/tokens")).expect(200);
  const { csrf, cookie } = formToken(page);
  const post = () => admin(request(h.app).post("/admin/tokens")).type("form");
  await post().set("Cookie", cookie).send("label=a&scopes=get:users").expect(403);
  await post()
    .send(`_csrf=${encodeURIComponent(csrf)}&label=a&scopes=get:users`)
    .expect(403);
  await post()
    .set("Cookie", cookie)
    .send(`_csrf=${encodeURIComponent(`${csrf.slice(0, -2)}AA`)}&label=a&scopes=get:users`)
    .expect(403);
  await post()
    .set("Cookie", cookie)
    .set("Origin", "https://evil.example")
    .send(`_csrf=${encodeURIComponent(csrf)}&label=a&scopes=get:users`)
    .expect(403);
  expect(await h.registry.list()).toHaveLength(0);
  await post()
    .set("Cookie", cookie)
    .send(`_csrf=${encodeURIComponent(csrf)}&label=a&scopes=get:users`)
    .expect(201);
});

const ROUTES: [string, string][] = [
  ["get", "/"],
  ["get", "/requests"],
  ["get", "/requests/some-id"],
  ["get", "/resources/Users/some-id"],
  ["get", "/tokens"],
  ["post", "/tokens"],
  ["post", "/tokens/some-id/rotate"],
  ["post", "/tokens/some-id/revoke"],
  ["get", "/events"],
  ["post", "/events/replay"],
  ["post", "/events/forget"],
  ["get", "/healthz"],
  ["get", "/readyz"],
  ["get", "/console.css"],
  ["get", "/nowhere"],
];

test.each(ROUTES)("without the host's auth, %s %s is 401", async (method, path) => {
  const h = consoleHost();
  const res = await (request(h.app) as unknown as Record<string, (p: string) => request.Test>)[method]!(
    `/admin${path}`,
  );
  expect(res.status).toBe(401);
  expect(res.text).toBe("admin only");
});

test.each(ROUTES)("with auth as a function that says no, %s %s is 401 with the CSP", async (method, path) => {
  const h = consoleHost({
    admin: (_req, _res, next) => next(),
    console: { auth: (req) => req.get("x-admin") === "yes" },
  });
  const res = await (request(h.app) as unknown as Record<string, (p: string) => request.Test>)[method]!(
    `/admin${path}`,
  );
  expect(res.status).toBe(401);
  expect(res.headers["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
});

test("every page carries a strict CSP and no script", async () => {
  const h = consoleHost({ events: true });
  for (const path of ["/admin/", "/admin/requests", "/admin/tokens", "/admin/events"]) {
    const res = await admin(request(h.app).get(path)).expect(200);
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.text).not.toMatch(/<script|style=|https?:\/\//i);
  }
});

test("the console refuses to start without an explicit auth decision", () => {
  const requestLog = { log: memoryRequestLog() };
  expect(() => scimConsole({ store: memoryStore(), requestLog } as never)).toThrow(/explicit `auth`/);
  expect(() => scimConsole({ store: memoryStore(), requestLog, auth: true } as never)).toThrow(/explicit `auth`/);
});

test("/readyz answers 200 when the store answers, 503 when it does not; /healthz always 200", async () => {
  const h = consoleHost();
  const ready = await admin(request(h.app).get("/admin/readyz")).expect(200);
  expect(ready.body).toEqual({ status: "ready", checks: { migrations: { ok: true }, store: { ok: true } } });
  const broken = memoryStore();
  broken.users.get = async () => {
    throw new Error("connection refused to db.internal:5432");
  };
  const down = consoleHost({ store: broken, console: { backlog: async () => 5000, maxBacklog: 100 } });
  const res = await admin(request(down.app).get("/admin/readyz")).expect(503);
  expect(res.body.checks.store.ok).toBe(false);
  expect(res.body.checks.eventBacklog).toEqual({ ok: false, detail: "5000 undelivered (limit 100)" });
  expect(JSON.stringify(res.body)).not.toContain("db.internal");
  await admin(request(down.app).get("/admin/healthz")).expect(200);
});

test("the status panel counts requests by IdP and status, and each token's last successful sync", async () => {
  const h = consoleHost();
  await scimAs(request(h.app).get("/scim/v2/Users")).expect(200);
  await scimAs(request(h.app).get("/scim/v2/Users/missing")).expect(404);
  const res = await admin(request(h.app).get("/admin/")).expect(200);
  expect(res.text).toContain("2 requests, error rate <strong>50.0%</strong>");
  expect(res.text).toMatch(/<td>Okta<\/td><td class="status-2">2xx<\/td><td>1<\/td>/);
  expect(res.text).toMatch(/<td>Okta<\/td><td class="status-4">4xx<\/td><td>1<\/td>/);
  expect(res.text).toMatch(/<td>okta-production<\/td><td><time/);
});

test("scimHealth serves /healthz and /readyz alone, for a load balancer, and nothing else", async () => {
  const app = express();
  app.use(scimHealth({ store: memoryStore() }));
  await request(app).get("/healthz").expect(200, { status: "ok" });
  const ready = await request(app).get("/readyz").expect(200);
  expect(ready.body.status).toBe("ready");
  expect(ready.headers["cache-control"]).toBe("no-store");
  await request(app).get("/requests").expect(404);
  await request(app).get("/tokens").expect(404);
});

test("events: a dead letter is listed with its error and resource; replay delivers it and empties the list", async () => {
  let crmUp = false;
  const delivered: string[] = [];
  const crm = {
    name: "crm",
    deliver: async (event: { type: string; resourceId: string }) => {
      if (!crmUp) return { ok: false as const, error: "410 Gone: <crm> retired this endpoint", permanent: true };
      delivered.push(`${event.type} ${event.resourceId}`);
      return { ok: true as const };
    },
  };
  const h = consoleHost({
    events: true,
    scim: { delivery: { sinks: [crm] }, logger: { error: () => {}, warn: () => {} } },
  });
  const created = await scimAs(request(h.app).post("/scim/v2/Users")).send(user("dead@example.com")).expect(201);
  const id = created.body.id as string;
  await h.events!.idle();

  const page = await admin(request(h.app).get("/admin/events")).expect(200);
  expect(page.text).toContain("1 dead letters");
  expect(page.text).toContain("410 Gone: &lt;crm&gt; retired this endpoint");
  expect(page.text).toContain(`/admin/resources/Users/${id}?tenant=default`);
  expect(page.text).toContain("user.created");
  expect(page.text).not.toContain(PASSWORD);

  crmUp = true;
  const { csrf, cookie } = formToken(page);
  await admin(request(h.app).post("/admin/events/replay")).type("form").send("sink=crm").expect(403);
  const replayed = await admin(request(h.app).post("/admin/events/replay"))
    .set("Cookie", cookie)
    .type("form")
    .send(`_csrf=${encodeURIComponent(csrf)}&sink=crm`)
    .expect(200);
  expect(replayed.text).toContain("1 delivery queued again");
  await h.events!.idle();
  expect(delivered).toEqual([`user.created ${id}`]);
  const after = await admin(request(h.app).get("/admin/events")).expect(200);
  expect(after.text).toContain("No dead letters");
});

test("events: without router.events the page says how to turn it on", async () => {
  const h = consoleHost();
  const res = await admin(request(h.app).get("/admin/events")).expect(404);
  expect(res.text).toContain("events: router.events");
});

test("tokens: a get:events token issued here reads the event feed and nothing else", async () => {
  const h = consoleHost({ scim: { delivery: { feed: true } } });
  await scimAs(request(h.app).post("/scim/v2/Users")).send(user("feed@example.com")).expect(201);
  const page = await admin(request(h.app).get("/admin/tokens")).expect(200);
  expect(page.text).toContain('value="get:events"');
  const { csrf, cookie } = formToken(page);
  const issued = await admin(request(h.app).post("/admin/tokens"))
    .set("Cookie", cookie)
    .type("form")
    .send(`_csrf=${encodeURIComponent(csrf)}&label=crm-sync&scopes=get:events`)
    .expect(201);
  const secret = /<output class="secret" id="new-token">([^<]+)<\/output>/.exec(issued.text)?.[1];
  const feed = await scimAs(request(h.app).get("/scim/v2/Events?after=0"), secret).expect(200);
  expect(feed.body.events.map((e: { type: string }) => e.type)).toEqual(["user.created"]);
  await scimAs(request(h.app).get("/scim/v2/Users"), secret).expect(403);
});

test("events: each sink's backlog; a sink this router lacks is flagged, left out of /readyz, and forgotten", async () => {
  const store = memoryStore();
  // The previous deploy had a "crm" webhook, down when it last wrote; this one has only listeners.
  const previous = scim({
    store,
    tokens: [{ token: SCIM_TOKEN, scopes: [...ALL_SCOPES] }],
    delivery: { sinks: [{ name: "crm", deliver: async () => ({ ok: false as const, error: "503" }) }] },
    logger: { error: () => {}, warn: () => {} },
  });
  const old = express().use("/scim/v2", previous);
  for (const name of ["a@example.com", "b@example.com"])
    await scimAs(request(old).post("/scim/v2/Users")).send(user(name)).expect(201);
  await previous.events!.idle();
  await previous.events!.stop();
  const h = consoleHost({
    store,
    events: true,
    scim: { events: { "user.created": () => {} } },
    console: { maxBacklog: 1 },
  });

  const page = await admin(request(h.app).get("/admin/events")).expect(200);
  expect(page.text).toMatch(/<td>crm<\/td><td>2<\/td>/);
  expect(page.text).toContain("no sink of this name here");
  // Two undelivered for crm, but no instance of this deploy delivers crm: still ready.
  await admin(request(h.app).get("/admin/readyz")).expect(200);

  const { csrf, cookie } = formToken(page);
  const form = (path: string, body: string) =>
    admin(request(h.app).post(path))
      .set("Cookie", cookie)
      .type("form")
      .send(`_csrf=${encodeURIComponent(csrf)}&${body}`);
  const refused = await form("/admin/events/forget", "sink=listeners").expect(400);
  expect(refused.text).toContain("&quot;listeners&quot; is a sink of this router");
  const forgot = await form("/admin/events/forget", "sink=crm").expect(200);
  expect(forgot.text).toContain("Forgot 2 deliveries of crm.");
  expect(forgot.text).toContain("Nothing waiting.");
  expect(await h.events!.backlog()).toEqual([]);
});

test("events: /readyz counts what this router's sinks still have to deliver", async () => {
  const up = false;
  const crm = { name: "crm", deliver: async () => (up ? { ok: true as const } : { ok: false as const, error: "503" }) };
  const h = consoleHost({
    events: true,
    scim: { delivery: { sinks: [crm], clock: () => Date.parse("2026-12-02T00:00:00Z") }, logger: { error: () => {} } },
    console: { maxBacklog: 1 },
  });
  await admin(request(h.app).get("/admin/readyz")).expect(200);
  await scimAs(request(h.app).post("/scim/v2/Users")).send(user("r@example.com")).expect(201);
  await h.events!.idle();
  const res = await admin(request(h.app).get("/admin/readyz")).expect(503);
  expect(JSON.stringify(res.body)).toContain("1 undelivered (limit 1)");
  expect(await h.events!.backlog()).toEqual([
    { sink: "crm", pending: 1, oldest: new Date("2026-12-02T00:00:00Z"), here: true },
  ]);
  await h.events!.stop();
});
