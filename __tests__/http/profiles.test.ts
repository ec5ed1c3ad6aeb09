/**
 * Choosing a client profile (docs/clients.md): per router, per tenant, per token; checked at
 * start-up; and the PATCH answer each profile prefers.
 */
import express from "express";
import request from "supertest";
import {
  ALL_SCOPES,
  PRESET_PROFILES,
  PROFILES,
  SCOPE_PRESETS,
  memoryStore,
  memoryTokenRegistry,
  scim,
  tokenManager,
  type ScimOptions,
} from "../../lib";
import { GROUP_SCHEMA, PATCH_OP, TOKEN, USER_SCHEMA, expectScimError } from "../helpers/fixtures";
import { createGroup, host } from "./app";

const quirky = { schemas: [PATCH_OP], Operations: [{ op: "Replace", path: "displayName", value: "X" }] };
const user = (userName: string) => ({ schemas: [USER_SCHEMA], userName });
/** supertest sends no User-Agent, which strict mode refuses (RFC 9110 10.1.5); real clients send one. */
const ua = (t: request.Test) => t.set("User-Agent", "jest");

describe("start-up checks", () => {
  const build = (options: Partial<ScimOptions>) => () =>
    scim({ store: memoryStore(), tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }], ...options } as ScimOptions);

  test("an unknown profile name is a TypeError naming the known ones", () => {
    expect(build({ profile: "azure" as never })).toThrow(
      /profile "azure" is not a profile; use one of lenient, strict, okta/,
    );
  });

  test("an unknown tolerance in a profile of your own is a TypeError naming the known ones", () => {
    expect(build({ profile: { tolerates: ["capitalizedOps" as never] } })).toThrow(
      /profile\.tolerates has unknown tolerance "capitalizedOps"; known: capitalisedOps/,
    );
  });

  test("a token's profile is checked too", () => {
    expect(build({ tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES], profile: "okat" as never }] })).toThrow(
      /tokens\[0\]\.profile "okat" is not a profile/,
    );
  });

  test("a PATCH answer other than 200 or 204 is refused", () => {
    expect(build({ profile: { tolerates: [], patchAnswer: { users: 200, groups: 201 as never } } })).toThrow(
      /patchAnswer\.groups must be 200 or 204/,
    );
  });
});

describe("which profile serves a request", () => {
  test("the router's profile: strict refuses Entra's capitalised op, lenient (the default) takes it", async () => {
    const strict = host({ profile: "strict" });
    const lenient = host();
    const quirk = async (h: typeof strict) => {
      const id = (await ua(h.post("/Users", user("ada@example.com"))).expect(201)).body.id;
      return ua(h.patch(`/Users/${id}`, quirky));
    };
    const s = await quirk(strict);
    const l = await quirk(lenient);
    expectScimError(s, 400, "invalidSyntax");
    expect(s.body.detail).toMatch(/"op" must be "replace", got "Replace".*tolerance "capitalisedOps" is off/);
    expect(l.status).toBe(200);
  });

  test("a token's profile wins over the router's: the Entra preset token may, the strict one may not", async () => {
    const entraToken = "entra-token-0123456789";
    const h = host({
      profile: "strict",
      tokens: [
        { token: TOKEN, scopes: [...ALL_SCOPES] },
        { token: entraToken, scopes: SCOPE_PRESETS.entra, profile: PRESET_PROFILES.entra },
      ],
    });
    const id = (await ua(h.post("/Users", user("grace@example.com"))).expect(201)).body.id;
    expect((await ua(h.patch(`/Users/${id}`, quirky))).status).toBe(400);
    const res = await request(h.app)
      .patch(`/scim/v2/Users/${id}`)
      .set("Authorization", `Bearer ${entraToken}`)
      .set("User-Agent", "Microsoft.Identity.Provisioning")
      .send(quirky);
    expect(res.status).toBe(200);
  });

  test("a token issued through the registry keeps its profile, across rotation; a bad name is refused when issued", async () => {
    const registry = memoryTokenRegistry();
    const manager = tokenManager(registry);
    const h = host({ profile: "strict", tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }, registry] });
    const entra = await manager.createToken({ scopes: SCOPE_PRESETS.entra, label: "entra", profile: "entra" });
    const plain = await manager.createToken({ scopes: [...ALL_SCOPES], label: "plain" });
    const patchAs = (secret: string, id: string) =>
      request(h.app)
        .patch(`/scim/v2/Users/${id}`)
        .set("Authorization", `Bearer ${secret}`)
        .set("User-Agent", "Microsoft.Identity.Provisioning")
        .send(quirky);
    const id = (await ua(h.post("/Users", user("ada@example.com"))).expect(201)).body.id;
    expect((await patchAs(entra.token, id)).status).toBe(200);
    expectScimError(await patchAs(plain.token, id), 400, "invalidSyntax");
    const successor = await manager.rotateToken(entra.record.id);
    expect(successor.record.profile).toBe("entra");
    expect((await patchAs(successor.token, id)).status).toBe(200);
    await expect(manager.createToken({ scopes: ["get:users"], profile: "azure" })).rejects.toThrow(
      /"azure" is not a profile; use one of lenient, strict, okta/,
    );
  });

  test("a profile per tenant: a function of the tenant's name", async () => {
    const app = express();
    app.use(
      "/scim/:tenant",
      scim({
        store: memoryStore(),
        tenant: (req) => String(req.params.tenant),
        tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }],
        profile: (tenant) => (tenant === "strict-co" ? "strict" : undefined),
      }),
    );
    const call = (tenant: string) =>
      request(app)
        .post(`/scim/${tenant}/Users`)
        .set("Authorization", `Bearer ${TOKEN}`)
        .set("User-Agent", "jest")
        .send({ schemas: [USER_SCHEMA], userName: "linus@example.com", active: "True" });
    expectScimError(await call("strict-co"), 400, "invalidValue");
    expect((await call("easy-co")).status).toBe(201);
  });

  test("strict refuses a request without a User-Agent; OneLogin's profile takes it", async () => {
    const strict = host({ profile: "strict" });
    const onelogin = host({ profile: "onelogin" });
    const get = (h: typeof strict) => h.get("/Users").set("User-Agent", "");
    const refused = await get(strict);
    expectScimError(refused, 400);
    expect(refused.body.detail).toMatch(/no User-Agent.*"noUserAgent"/);
    expect((await get(onelogin)).status).toBe(200);
    expect((await strict.get("/Users").set("User-Agent", "Okta SCIM Client 1.0.0")).status).toBe(200);
  });
});

describe("the PATCH answer each profile prefers", () => {
  test("groups answer 204 by default, and 200 with the group under a profile that prefers it", async () => {
    const prefers200 = host({ profile: { ...PROFILES.okta, patchAnswer: { users: 200, groups: 200 } } });
    const byDefault = host();
    const rename = { schemas: [PATCH_OP], Operations: [{ op: "replace", path: "displayName", value: "Renamed" }] };
    const group = { schemas: [GROUP_SCHEMA], displayName: "A" };
    const a = (await ua(prefers200.post("/Groups", group)).expect(201)).body.id;
    const b = await createGroup(byDefault, "B");
    const answered = await ua(prefers200.patch(`/Groups/${a}`, rename));
    expect({ status: answered.status, displayName: answered.body.displayName }).toEqual({
      status: 200,
      displayName: "Renamed",
    });
    expect((await byDefault.patch(`/Groups/${b}`, rename)).status).toBe(204);
  });

  test("users answer 204 under a profile that prefers it, unless the request asks for attributes", async () => {
    const h = host({ profile: { tolerates: [], patchAnswer: { users: 204, groups: 204 } } });
    const id = (await ua(h.post("/Users", user("mary@example.com"))).expect(201)).body.id;
    const op = { schemas: [PATCH_OP], Operations: [{ op: "replace", path: "displayName", value: "M" }] };
    expect((await ua(h.patch(`/Users/${id}`, op))).status).toBe(204);
    const asked = await ua(h.patch(`/Users/${id}?attributes=displayName`, op));
    expect({ status: asked.status, displayName: asked.body.displayName }).toEqual({ status: 200, displayName: "M" });
  });
});
