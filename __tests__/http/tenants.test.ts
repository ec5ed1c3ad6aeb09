import express from "express";
import request from "supertest";
import { ALL_SCOPES, memoryStore } from "../../lib";
import { ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA } from "../helpers/fixtures";
import { checkedScim } from "../helpers/openapi-contract";

const TOKEN_A = "tenant-a-token-000000000000";
const TOKEN_B = "tenant-b-token-000000000000";

/** One router, one store, two tenants chosen by the token. */
function twoTenants() {
  const app = express();
  app.use(
    "/scim/v2",
    ...checkedScim({
      store: memoryStore(),
      tokens: [
        { token: TOKEN_A, scopes: [...ALL_SCOPES], tenant: "a" },
        { token: TOKEN_B, scopes: [...ALL_SCOPES], tenant: "b" },
      ],
    }),
  );
  const as = (token: string) => ({
    get: (p: string) => request(app).get(`/scim/v2${p}`).set("Authorization", `Bearer ${token}`),
    post: (p: string, body: unknown) =>
      request(app)
        .post(`/scim/v2${p}`)
        .set("Authorization", `Bearer ${token}`)
        .send(body as object),
    put: (p: string, body: unknown) =>
      request(app)
        .put(`/scim/v2${p}`)
        .set("Authorization", `Bearer ${token}`)
        .send(body as object),
    patch: (p: string, body: unknown) =>
      request(app)
        .patch(`/scim/v2${p}`)
        .set("Authorization", `Bearer ${token}`)
        .send(body as object),
    delete: (p: string) => request(app).delete(`/scim/v2${p}`).set("Authorization", `Bearer ${token}`),
  });
  return { a: as(TOKEN_A), b: as(TOKEN_B) };
}

describe("tenants never see each other", () => {
  test("the same userName lives in both; each sees only its own", async () => {
    const { a, b } = twoTenants();
    const ua = await a
      .post("/Users", { schemas: [USER_SCHEMA], userName: "same@example.com", [ENTERPRISE]: { employeeNumber: "A1" } })
      .expect(201);
    await b.post("/Users", { schemas: [USER_SCHEMA], userName: "same@example.com" }).expect(201);
    const listB = (await b.get("/Users").expect(200)).body;
    expect(listB.totalResults).toBe(1);
    expect(listB.Resources[0].id).not.toBe(ua.body.id);
    expect(
      (await b.get(`/Users?filter=${encodeURIComponent(`${ENTERPRISE}:employeeNumber pr`)}`)).body.totalResults,
    ).toBe(0);
  });

  test("another tenant's id is answered exactly like an id that never existed", async () => {
    const { a, b } = twoTenants();
    const id = (await a.post("/Users", { schemas: [USER_SCHEMA], userName: "x@example.com" })).body.id;
    const never = "00000000-0000-4000-8000-000000000000";
    for (const [method, path] of [
      ["get", `/Users/`],
      ["delete", `/Users/`],
    ] as const) {
      const theirs = await b[method](`${path}${id}`);
      const nothing = await b[method](`${path}${never}`);
      expect(theirs.status).toBe(404);
      expect(theirs.body.detail.replace(id, "ID")).toBe(nothing.body.detail.replace(never, "ID"));
    }
    expect((await b.put(`/Users/${id}`, { schemas: [USER_SCHEMA], userName: "x@example.com" })).status).toBe(404);
    expect((await b.patch(`/Users/${id}`, { Operations: [{ op: "replace", value: { active: false } }] })).status).toBe(
      404,
    );
    expect((await b.post("/Users/.search", { filter: `id eq "${id}"` })).body.totalResults).toBe(0);
    expect((await b.post("/.search", { filter: `id eq "${id}"` })).body.totalResults).toBe(0);
    expect((await b.get("/")).body.totalResults).toBe(0);
    expect((await a.get("/")).body.totalResults).toBe(1);
    // A member id of another tenant is skipped exactly like one that never existed (unknownMembers: "skip").
    for (const member of [id, never]) {
      const g = await b.post("/Groups", {
        schemas: [GROUP_SCHEMA],
        displayName: `B team ${member}`,
        members: [{ value: member }],
      });
      expect(g.status).toBe(201);
      expect(g.body.members ?? []).toEqual([]);
    }
    expect((await a.get(`/Users/${id}`).expect(200)).body.active).toBeUndefined();
  });
});
