import express from "express";
import request from "supertest";
import { ALL_SCOPES, memoryStore, scim } from "../../lib";
import { inspectMemoryStore } from "../../lib/stores/memory";
import { storeConformance } from "../../lib/testing";

storeConformance({
  name: "memory",
  makeStore: () => memoryStore(),
  capabilities: { transactions: true, costs: true, everyQuery: true, unicode: true, nestedGroups: true, outbox: true },
  describe,
  test,
});

describe("memory store: unknown tenants cost nothing", () => {
  const TOKEN = "broker-token-not-bound-to-a-tenant";
  const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
  const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

  test("reads and refused writes of tenants named in the path allocate nothing; a create allocates one", async () => {
    const store = memoryStore();
    const app = express();
    app.use(
      "/scim/:tenant/v2",
      scim({
        store,
        tenant: (req) => String(req.params.tenant),
        rateLimit: false,
        tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }],
      }),
    );
    const call = (method: "get" | "post" | "put" | "patch" | "delete", path: string, body?: object) =>
      request(app)[method](path).set("Authorization", `Bearer ${TOKEN}`).send(body);
    const id = "00000000-0000-4000-8000-000000000000";
    for (let i = 0; i < 20; i++) {
      const base = `/scim/probe-${i}/v2`;
      await call("get", `${base}/Users?filter=${encodeURIComponent('userName eq "x"')}`).expect(200);
      await call("get", `${base}/Groups`).expect(200);
      await call("post", `${base}/Users/.search`, { filter: 'userName sw "a"' }).expect(200);
      await call("get", `${base}/Users/${id}`).expect(404);
      await call("put", `${base}/Users/${id}`, { schemas: [USER], userName: "x" }).expect(404);
      await call("patch", `${base}/Groups/${id}`, {
        schemas: [PATCH],
        Operations: [{ op: "add", path: "members", value: [{ value: id }] }],
      }).expect(404);
      await call("delete", `${base}/Users/${id}`).expect(404);
    }
    expect(inspectMemoryStore(store).tenants).toBe(0);
    await call("post", "/scim/real/v2/Users", { schemas: [USER], userName: "ada@example.com" }).expect(201);
    expect(inspectMemoryStore(store).tenants).toBe(1);
    // The shared empty view of unknown tenants stayed empty.
    expect((await call("get", "/scim/probe-0/v2/Users").expect(200)).body.totalResults).toBe(0);
  });
});
