import express from "express";
import request from "supertest";
import { memoryStore, scim, type ScimOptions } from "../../lib";
import { host } from "./app";
import { expectScimError, oktaUser } from "../helpers/fixtures";
import { checkedScim } from "../helpers/openapi-contract";

const READER = "reader-token-get-users-only";

describe("bearer tokens and scopes", () => {
  const h = host({
    tokens: [
      { token: READER, scopes: ["get:users"] },
      { token: "writer-token-post-users-only", scopes: ["post:users"] },
      { token: "expired-token-every-scope-xx", scopes: ["get:users"], expiresAt: new Date(Date.now() - 1000) },
    ],
  });
  const as = (token: string, t: request.Test) => t.set("Authorization", `Bearer ${token}`);

  test("no token: 401 with a Bearer challenge, in the SCIM error format", async () => {
    const res = await request(h.app).get("/scim/v2/Users");
    expectScimError(res, 401);
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm="SCIM"/);
  });

  test("a bogus token and an expired token are both 401 invalid_token", async () => {
    for (const token of ["bogus-token-0000000000000", "expired-token-every-scope-xx"]) {
      const res = await as(token, request(h.app).get("/scim/v2/Users"));
      expectScimError(res, 401);
      expect(res.headers["www-authenticate"]).toContain('error="invalid_token"');
    }
  });

  test("a valid token lacking the route's scope is 403 insufficient_scope", async () => {
    const res = await as(READER, request(h.app).post("/scim/v2/Users").send(oktaUser("a@example.com")));
    expectScimError(res, 403);
    expect(res.headers["www-authenticate"]).toContain('error="insufficient_scope"');
    expect(res.headers["www-authenticate"]).toContain('scope="post:users"');
    expectScimError(await as(READER, request(h.app).get("/scim/v2/Groups")), 403);
  });

  test(".search is a read: it needs get:, not post:", async () => {
    await as(READER, request(h.app).post("/scim/v2/Users/.search").send({ filter: 'userName eq "x"' })).expect(200);
    expectScimError(
      await as("writer-token-post-users-only", request(h.app).post("/scim/v2/Users/.search").send({})),
      403,
    );
  });

  test("the scheme name is case-insensitive", async () => {
    await request(h.app).get("/scim/v2/Users").set("Authorization", `bearer ${READER}`).expect(200);
  });
});

describe("bring your own auth", () => {
  test("auth() decides the principal; null is 401", async () => {
    const app = express();
    app.use(
      "/scim",
      ...checkedScim({
        store: memoryStore(),
        auth: (req) => (req.headers["x-api-key"] === "let-me-in" ? { scopes: ["get:users"], label: "api key" } : null),
      }),
    );
    await request(app).get("/scim/Users").set("x-api-key", "let-me-in").expect(200);
    expectScimError(await request(app).get("/scim/Users"), 401);
  });
});

test("a short static token works, with a warning at start-up", async () => {
  const warnings: string[] = [];
  const app = express();
  app.use(
    "/scim",
    ...checkedScim({
      store: memoryStore(),
      tokens: [{ token: "secret", scopes: ["get:users"] }],
      logger: { error: () => {}, warn: (_o, m) => void warnings.push(String(m)) },
    }),
  );
  expect(warnings).toEqual([expect.stringContaining("use at least 16")]);
  await request(app).get("/scim/Users").set("Authorization", "Bearer secret").expect(200);
});

describe("configuration mistakes fail at start-up with a TypeError", () => {
  const store = memoryStore();
  test.each<[string, unknown]>([
    ["no tokens and no auth", { store }],
    [
      "an empty token (an unset environment variable)",
      { store, tokens: [{ token: undefined, scopes: ["get:users"] }] },
    ],
    ["an unknown scope", { store, tokens: [{ token: "long-enough-token-000", scopes: ["read:users"] }] }],
    ["tokens and auth together", { store, tokens: [{ token: "long-enough-token-000", scopes: [] }], auth: () => null }],
    ["no store", { tokens: [{ token: "long-enough-token-000", scopes: [] }] }],
    ["a bad limit", { store, tokens: [{ token: "long-enough-token-000", scopes: [] }], limits: { maxCount: 0 } }],
    ["a misspelt option", { store, tokens: [{ token: "long-enough-token-000", scopes: [] }], rateLimits: false }],
    [
      "a misspelt limit",
      { store, tokens: [{ token: "long-enough-token-000", scopes: [] }], limits: { maxMembers: 5 } },
    ],
  ])("%s", (_name, options) => {
    expect(() => scim(options as ScimOptions)).toThrow(TypeError);
  });

  // JavaScript users get no compiler: each of these used to start a router that did something else.
  test.each<[string, unknown, RegExp]>([
    [
      "a misspelt expiry in a token entry (it never expired)",
      { expires: new Date("2020-01-01") },
      /tokens\[0\] has unknown key "expires"; known: token, scopes, expiresAt/,
    ],
    ["a misspelt scopes key", { scope: ["get:users"] }, /tokens\[0\] has unknown key "scope"/],
    ["scopes as a string", { scopes: "get:users" }, /tokens\[0\]\.scopes must be an array/],
  ])("%s", (_name, entry, message) => {
    const tokens = [{ token: "long-enough-token-000", scopes: ["get:users"], ...(entry as object) }];
    if ("scope" in (entry as object)) delete (tokens[0] as { scopes?: unknown }).scopes;
    expect(() => scim({ store, tokens } as ScimOptions)).toThrow(message);
  });

  test("two entries with one secret are refused: which scopes would apply is a guess", () => {
    const tokens = [
      { token: "long-enough-token-000", scopes: ["get:users" as const] },
      { token: "long-enough-token-000", scopes: ["delete:users" as const] },
    ];
    expect(() => scim({ store, tokens })).toThrow(/tokens\[1\] has the same secret as tokens\[0\]/);
  });

  test("a logger without error() is refused", () => {
    const tokens = [{ token: "long-enough-token-000", scopes: ["get:users" as const] }];
    expect(() => scim({ store, tokens, logger: { info: () => {} } as never })).toThrow(/logger must have an error/);
    expect(() => scim({ store, tokens, logger: { error: () => {}, warn: "loud" } as never })).toThrow(
      /logger must have an error/,
    );
  });

  test("a token with no scopes works for discovery, with a warning at start-up", async () => {
    const warnings: string[] = [];
    const logger = { error: () => {}, warn: (_o: object, m?: string) => void warnings.push(String(m)) };
    const app = express();
    app.use(
      "/scim",
      ...checkedScim({ store: memoryStore(), tokens: [{ token: "long-enough-token-000", scopes: [] }], logger }),
    );
    expect(warnings).toEqual([expect.stringContaining("tokens[0].scopes is empty")]);
    await request(app)
      .get("/scim/ServiceProviderConfig")
      .set("Authorization", "Bearer long-enough-token-000")
      .expect(200);
  });
});
