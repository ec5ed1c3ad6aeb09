import express from "express";
import request from "supertest";
import { ALL_SCOPES, memoryStore, scim, type Store } from "../../lib";
import { TOKEN, USER_SCHEMA, expectScimError, host } from "./app";

const user = (userName: string) => JSON.stringify({ schemas: [USER_SCHEMA], userName });

describe("request bodies", () => {
  test.each([["application/scim+json; charset=utf-8"], ["application/json"], [undefined]])("Content-Type %s is read as JSON", async (type) => {
    const h = host();
    let t = request(h.app).post("/scim/v2/Users").set("Authorization", `Bearer ${TOKEN}`);
    const body = user(`ct-${type ?? "none"}@example.com`);
    // A Buffer goes out as raw bytes with no Content-Type; a string keeps the one set.
    const res = await (type ? t.set("Content-Type", type).send(body) : t.send(Buffer.from(body)));
    expect(res.status).toBe(201);
  });

  test("Okta's Content-Type on GET and DELETE is harmless", async () => {
    const h = host();
    await h.get("/Users").set("Content-Type", "application/scim+json").expect(200);
  });

  test("a body over the limit is 413 in the SCIM format", async () => {
    const h = host({ limits: { bodyBytes: 1024 } });
    const res = await h.post("/Users", { schemas: [USER_SCHEMA], userName: "big", title: "x".repeat(5000) });
    expectScimError(res, 413);
  });

  test("body limits are per route: a 2 MB user is refused where a 2 MB group is taken", async () => {
    const h = host();
    const big = "x".repeat(2 * 1024 * 1024);
    expectScimError(await h.post("/Users", { schemas: [USER_SCHEMA], userName: "huge", title: big }), 413);
    const group = await h.post("/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "Huge", externalId: big });
    expect(group.status).toBe(201);
    expectScimError(await h.post("/Users/.search", { filter: `userName eq "${"y".repeat(70 * 1024)}"` }), 413);
  });

  test("a JSON array or an empty body is a clear 400", async () => {
    const h = host();
    expectScimError(await h.post("/Users", []), 400);
    expectScimError(await h.post("/Users").set("Content-Type", "application/json"), 400, "invalidSyntax");
  });

  test("works behind a host's express.json() that already consumed the body", async () => {
    const app = express();
    app.use(express.json({ type: ["application/json", "application/scim+json"] }));
    app.use("/scim/v2", scim({ store: memoryStore(), tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES] }] }));
    const res = await request(app)
      .post("/scim/v2/Users")
      .set("Authorization", `Bearer ${TOKEN}`)
      .set("Content-Type", "application/scim+json")
      .send(user("parsed@example.com"));
    expect(res.status).toBe(201);
    expect(res.body.userName).toBe("parsed@example.com");
  });
});

describe("unexpected failures", () => {
  test("a store that throws gives a 500 that exposes nothing, and the error reaches the logger", async () => {
    const base = memoryStore();
    const logged: unknown[] = [];
    const broken: Store = { ...base, users: { ...base.users, query: async () => { throw new Error("connection refused at 10.0.0.5:5432 password=hunter2"); } } };
    const h = host({ store: broken, logger: { error: (obj) => logged.push(obj) } });
    const res = await h.get("/Users");
    expectScimError(res, 500);
    expect(JSON.stringify(res.body)).not.toMatch(/10\.0\.0\.5|hunter2|refused/);
    expect(logged).toHaveLength(1);
  });

  test("a malformed %-escape in the path is a 400, not a 500", async () => {
    const h = host();
    expectScimError(await h.get("/Users/%E0%A4%A"), 400);
  });
});
