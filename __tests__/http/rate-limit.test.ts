import { expectScimError, host } from "./app";

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
