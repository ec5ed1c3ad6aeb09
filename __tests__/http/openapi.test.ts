/**
 * GET /openapi.json, served when `openapi` is on: authenticated like discovery, the document of
 * this router's schemas and mapping, with the mount point as its server.
 */
import { ALL_SCOPES, memoryStore, scim } from "../../lib";
import { expectScimError, TOKEN } from "../helpers/fixtures";
import { host } from "./app";

const NO_SCOPES = "token-without-any-scope-000001";

describe("GET /openapi.json", () => {
  test("is not served unless asked for", async () => {
    expectScimError(await host().get("/openapi.json"), 404);
  });

  test("needs a valid token and no scope; answers JSON whose server is the mount point", async () => {
    const h = host({
      openapi: { title: "Acme", version: "3.0.0" },
      tokens: [
        { token: TOKEN, scopes: [...ALL_SCOPES] },
        { token: NO_SCOPES, scopes: [] },
      ],
    });
    const anonymous = await h.get("/openapi.json").set("Authorization", "Bearer nope-nope-nope-nope");
    expectScimError(anonymous, 401);
    const res = await h.get("/openapi.json").set("Authorization", `Bearer ${NO_SCOPES}`).expect(200);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.body).toMatchObject({ openapi: "3.1.0", info: { title: "Acme", version: "3.0.0" } });
    expect(res.body.servers).toEqual([{ url: `${new URL(res.request.url).origin}/scim/v2` }]);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(["/Users", "/Groups/{id}", "/openapi.json"]));
  });

  test("says what /Schemas says: a mapped router's User has only the mapped attributes", async () => {
    const h = host({
      openapi: true,
      mapping: {
        users: [
          { scim: "userName", app: "login" },
          { scim: "name.familyName", app: "last" },
        ],
      },
    });
    const doc = (await h.get("/openapi.json").expect(200)).body;
    const schemas = (await h.get("/Schemas").expect(200)).body.Resources;
    const user = schemas.find((s: { id: string; name: string }) => s.id.endsWith(":User") && s.name === "User");
    const core = user.attributes.map((a: { name: string }) => a.name);
    const described = Object.keys(doc.components.schemas.User.properties).filter(
      (k) => !["id", "externalId", "meta", "schemas"].includes(k),
    );
    expect(described.sort()).toEqual(core.sort());
    expect(Object.keys(doc.components.schemas.User.properties.name.properties)).toEqual(["familyName"]);
  });

  test("a 304 names the version it confirms (RFC 9110 15.4.5), as the document says", async () => {
    const h = host();
    const created = await h.post("/Users", { userName: "etag@example.com" }).expect(201);
    const etag = String(created.headers.etag);
    const res = await h.get(`/Users/${created.body.id}`).set("If-None-Match", etag).expect(304);
    expect(res.headers.etag).toBe(etag);
  });

  test("a bad `openapi` option is a TypeError at start-up", () => {
    const store = memoryStore();
    const tokens = [{ token: TOKEN, scopes: [...ALL_SCOPES] }];
    expect(() => scim({ store, tokens, openapi: "yes" as never })).toThrow(/openapi must be true, false or/);
    expect(() => scim({ store, tokens, openapi: { title: 5 } as never })).toThrow(/openapi must be/);
    expect(() => scim({ store, tokens, openapi: { titel: "x" } as never })).toThrow(/unknown option "openapi.titel"/);
  });
});
