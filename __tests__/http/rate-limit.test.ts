import express from "express";
import request from "supertest";
import { ALL_SCOPES, memoryStore } from "../../lib";
import { host } from "./app";
import { expectScimError } from "../helpers/fixtures";
import { checkedScim } from "../helpers/openapi-contract";

describe("rate limits", () => {
  test("past the per-tenant limit: 429 with Retry-After, in the SCIM error format", async () => {
    const h = host({ rateLimit: { windowMs: 60_000, perTenant: 3, perToken: 100 } });
    for (let i = 0; i < 3; i++) await h.get("/Users").expect(200);
    const res = await h.get("/Users");
    expectScimError(res, 429);
    const after = Number(res.headers["retry-after"]);
    expect(after).toBeGreaterThanOrEqual(1);
    expect(after).toBeLessThanOrEqual(60);
  });

  test("the counting store is pluggable (express-rate-limit's Store shape)", async () => {
    const keys: string[] = [];
    const store = {
      windowMs: 0,
      init(o: { windowMs: number }) {
        this.windowMs = o.windowMs;
      },
      async increment(key: string) {
        keys.push(key);
        return { totalHits: 1, resetTime: new Date(Date.now() + 1000) };
      },
    };
    const h = host({ rateLimit: { store, windowMs: 5000 } });
    await h.get("/Users").expect(200);
    expect(store.windowMs).toBe(5000);
    // The token first, then (the request having its scope) the tenant.
    expect(keys).toEqual([expect.stringMatching(/^express-scim:token:/), "express-scim:tenant:default"]);
  });

  test("rateLimit: false turns limits off", async () => {
    const h = host({ rateLimit: false });
    for (let i = 0; i < 5; i++) await h.get("/Users").expect(200);
  });

  test("a bad rate-limit option is a TypeError at start-up", () => {
    expect(() => host({ rateLimit: { perTenant: 0 } })).toThrow(TypeError);
  });
});

describe("who pays for a request", () => {
  const IDP = "idp-token-with-every-scope-0001";
  const NOISY = "noisy-token-without-scopes-0001";
  const READER = "reader-token-get-users-only-01";

  /** One tenant per path segment; tokens not bound to a tenant, as a broker's would be. */
  function tenantsInPath(rateLimit: { perTenant: number; perToken: number }) {
    const app = express();
    app.use(
      "/scim/:tenant/v2",
      ...checkedScim({
        store: memoryStore(),
        tenant: (req) => String(req.params.tenant),
        rateLimit: { windowMs: 60_000, ...rateLimit },
        tokens: [
          { token: IDP, scopes: [...ALL_SCOPES] },
          { token: NOISY, scopes: [] },
          { token: READER, scopes: ["get:users"] },
        ],
      }),
    );
    return (token: string, tenant: string, path = "/Users") =>
      request(app).get(`/scim/${tenant}/v2${path}`).set("Authorization", `Bearer ${token}`);
  }

  test("the per-token limit holds across tenants", async () => {
    const as = tenantsInPath({ perTenant: 100, perToken: 3 });
    for (let i = 0; i < 3; i++) await as(IDP, `tenant-${i}`).expect(200);
    expectScimError(await as(IDP, "tenant-3"), 429);
  });

  test("a scope-less token spends its own budget, not its tenant's", async () => {
    const as = tenantsInPath({ perTenant: 3, perToken: 100 });
    for (let i = 0; i < 10; i++) expectScimError(await as(NOISY, "acme"), 403);
    for (let i = 0; i < 3; i++) await as(IDP, "acme").expect(200);
  });

  test("requests refused by the per-token limit do not count against the tenant", async () => {
    const as = tenantsInPath({ perTenant: 5, perToken: 3 });
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await as(READER, "acme")).status);
    expect(statuses).toEqual([200, 200, 200, ...Array(7).fill(429)]);
    // The reader's three served requests are all the tenant has spent.
    for (let i = 0; i < 2; i++) await as(IDP, "acme").expect(200);
    expectScimError(await as(IDP, "acme"), 429);
  });

  test("requests with no valid token count against nothing", async () => {
    const as = tenantsInPath({ perTenant: 2, perToken: 2 });
    for (let i = 0; i < 10; i++) expectScimError(await as("not-a-token-at-all-000000", "acme"), 401);
    for (let i = 0; i < 2; i++) await as(IDP, "acme").expect(200);
  });
});
