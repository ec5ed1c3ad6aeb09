import express from "express";
import request from "supertest";
import { memoryStore, memoryTokenRegistry, SCOPE_PRESETS, tokenManager, ALL_SCOPES } from "../../lib";
import { TOKEN_PREFIX } from "../../lib/store-helpers";
import { expectScimError } from "../helpers/fixtures";
import { checkedScim } from "../helpers/openapi-contract";

function setup(clock = () => new Date()) {
  const registry = memoryTokenRegistry();
  const manager = tokenManager(registry, clock);
  const app = express();
  app.use("/scim/v2", ...checkedScim({ store: memoryStore(), tokens: registry }));
  const get = (token: string) => request(app).get("/scim/v2/Users").set("Authorization", `Bearer ${token}`);
  return { registry, manager, app, get };
}

describe("issued tokens", () => {
  test("the secret is shown once, prefixed and high-entropy; only its hash is kept", async () => {
    const { manager, registry, get } = setup();
    const issued = await manager.createToken({ scopes: ["get:users"], label: "okta" });
    expect(issued.token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(issued.token.length).toBeGreaterThanOrEqual(TOKEN_PREFIX.length + 43);
    const [stored] = await registry.list();
    expect(JSON.stringify(stored)).not.toContain(issued.token);
    expect(stored!.hint).toBe(issued.token.slice(0, stored!.hint.length));
    expect(JSON.stringify(await manager.listTokens())).not.toMatch(/hash|scim_[A-Za-z0-9_-]{20}/);
    await get(issued.token).expect(200);
  });

  test("a revoked token answers 401 at once", async () => {
    const { manager, get } = setup();
    const issued = await manager.createToken({ scopes: ["get:users"] });
    await get(issued.token).expect(200);
    expect(await manager.revokeToken(issued.record.id)).toBe(true);
    expectScimError(await get(issued.token), 401);
  });

  test("expiry has a 15-minute floor and is enforced", async () => {
    let now = new Date("2026-01-01T00:00:00Z");
    const { manager, get } = setup(() => now);
    await expect(manager.createToken({ scopes: ["get:users"], expiresIn: "10m" })).rejects.toThrow(TypeError);
    const issued = await manager.createToken({ scopes: ["get:users"], expiresIn: "15m" });
    expect(issued.record.expiresAt?.toISOString()).toBe("2026-01-01T00:15:00.000Z");
    // The registry check uses the real clock, so an expiry in 2026's past is already past.
    now = new Date();
    expectScimError(await get(issued.token), 401);
    const fresh = await manager.createToken({ scopes: ["get:users"], expiresIn: "90d" });
    await get(fresh.token).expect(200);
  });

  test("rotation: the new token works at once and the old one keeps working through the grace period", async () => {
    const { manager, get } = setup();
    const old = await manager.createToken({ scopes: ["get:users"], label: "entra" });
    const next = await manager.rotateToken(old.record.id, { grace: "1h" });
    expect(next.record).toMatchObject({ label: "entra", scopes: ["get:users"] });
    await get(old.token).expect(200);
    await get(next.token).expect(200);
    const listed = await manager.listTokens();
    expect(listed.find((t) => t.id === old.record.id)?.expiresAt).toBeInstanceOf(Date);
  });

  test("unknown scopes are refused when issuing", async () => {
    const { manager } = setup();
    await expect(manager.createToken({ scopes: ["read:users" as never] })).rejects.toThrow(TypeError);
  });

  test("a token belongs to its tenant: used on another tenant's URL it is an unknown token", async () => {
    const registry = memoryTokenRegistry();
    const manager = tokenManager(registry);
    const app = express();
    app.use(
      "/scim/:tenant",
      ...checkedScim({ store: memoryStore(), tokens: registry, tenant: (req) => String(req.params.tenant) }),
    );
    const a = await manager.createToken({ scopes: [...ALL_SCOPES], tenant: "acme" });
    await request(app).get("/scim/acme/Users").set("Authorization", `Bearer ${a.token}`).expect(200);
    const res = await request(app).get("/scim/globex/Users").set("Authorization", `Bearer ${a.token}`);
    expectScimError(res, 401);
    expect(res.headers["www-authenticate"]).toContain("invalid_token");
  });
});

test("static tokens and a registry together: both kinds are accepted", async () => {
  const registry = memoryTokenRegistry();
  const issued = await tokenManager(registry).createToken({ scopes: ["get:users"] });
  const app = express();
  app.use(
    "/scim/v2",
    ...checkedScim({
      store: memoryStore(),
      tokens: [{ token: "static-token-0123456789", scopes: ["get:users"] }, registry],
    }),
  );
  await request(app).get("/scim/v2/Users").set("Authorization", "Bearer static-token-0123456789").expect(200);
  await request(app).get("/scim/v2/Users").set("Authorization", `Bearer ${issued.token}`).expect(200);
  expectScimError(await request(app).get("/scim/v2/Users").set("Authorization", "Bearer neither-of-them-000000"), 401);
});

describe("scope presets", () => {
  test("each preset holds only known scopes and matches its client's habits", () => {
    expect(SCOPE_PRESETS.entra).not.toContain("put:users");
    expect(SCOPE_PRESETS.entra).toContain("patch:users");
    expect(SCOPE_PRESETS.oktaSaml).toContain("put:users");
    expect(SCOPE_PRESETS.oktaSaml).not.toContain("delete:users");
    for (const preset of Object.values(SCOPE_PRESETS)) for (const s of preset) expect(ALL_SCOPES).toContain(s);
  });
});
