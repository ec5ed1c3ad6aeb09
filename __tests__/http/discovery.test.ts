import request from "supertest";
import { host } from "./app";
import { ENTERPRISE, GROUP_SCHEMA, TOKEN, USER_SCHEMA, expectScimError } from "../helpers/fixtures";

describe("discovery endpoints", () => {
  const h = host();

  test("ServiceProviderConfig carries every field Okta's spec test reads", async () => {
    const res = await h.get("/ServiceProviderConfig").expect(200);
    expect(res.headers["content-type"]).toBe("application/scim+json; charset=utf-8");
    for (const key of ["patch", "bulk", "filter", "changePassword", "sort", "etag"]) {
      expect(typeof res.body[key].supported).toBe("boolean");
    }
    expect(res.body.patch.supported).toBe(true);
    expect(res.body.authenticationSchemes[0].type).toBe("oauthbearertoken");
    expect(res.body.meta.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/ServiceProviderConfig$/);
  });

  test("ServiceProviderConfig advertises RFC 9865 pagination from the router's own limits", async () => {
    const res = await host({ limits: { defaultCount: 50, maxCount: 500 }, cursors: { timeout: 900 } })
      .get("/ServiceProviderConfig")
      .expect(200);
    expect(res.body.pagination).toEqual({
      cursor: true,
      index: true,
      defaultPaginationMethod: "index",
      defaultPageSize: 50,
      maxPageSize: 500,
      cursorTimeout: 900,
    });
  });

  test("Schemas lists User, EnterpriseUser and Group, each also served by its URN", async () => {
    const res = await h.get("/Schemas").expect(200);
    expect(res.body.totalResults).toBe(3);
    expect(res.body.Resources.map((s: { id: string }) => s.id).sort()).toEqual(
      [ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA].sort(),
    );
    const user = await h.get(`/Schemas/${USER_SCHEMA}`).expect(200);
    const userName = user.body.attributes.find((a: { name: string }) => a.name === "userName");
    expect(userName).toMatchObject({ type: "string", required: true, caseExact: false, uniqueness: "server" });
    expectScimError(await h.get("/Schemas/urn:nope"), 404);
  });

  test("ResourceTypes names the endpoints and the enterprise extension", async () => {
    const res = await h.get("/ResourceTypes").expect(200);
    const user = res.body.Resources.find((r: { id: string }) => r.id === "User");
    expect(user).toMatchObject({
      endpoint: "/Users",
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE, required: false }],
    });
    expect((await h.get("/ResourceTypes/Group").expect(200)).body.endpoint).toBe("/Groups");
    expectScimError(await h.get("/ResourceTypes/Device"), 404);
  });

  test.each(["/ServiceProviderConfig", "/Schemas", "/ResourceTypes"])(
    "POST %s with a non-JSON body is 405, not a parse error",
    async (path) => {
      const res = await request(h.app)
        .post(`/scim/v2${path}`)
        .set("Authorization", `Bearer ${TOKEN}`)
        .set("Content-Type", "text/plain")
        .send("this is not json {");
      expectScimError(res, 405);
      expect(res.headers.allow).toBe("GET, HEAD");
    },
  );

  test("discovery needs a valid token but no scope", async () => {
    expectScimError(await request(h.app).get("/scim/v2/ServiceProviderConfig"), 401);
    const scopeless = host({ tokens: [{ token: "a-token-without-any-scope", scopes: [] }] });
    await request(scopeless.app)
      .get("/scim/v2/Schemas")
      .set("Authorization", "Bearer a-token-without-any-scope")
      .expect(200);
  });

  test("unknown paths under the mount are SCIM 404s; paths outside it are the host's", async () => {
    expectScimError(await h.get("/Devices"), 404);
    const outside = await request(h.app).get("/elsewhere");
    expect(outside.status).toBe(404);
    expect(outside.headers["content-type"]).not.toMatch(/scim/);
  });
});
