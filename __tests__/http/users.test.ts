import { createGroup, createUser, host } from "./app";
import { ENTERPRISE, PATCH_OP, USER_SCHEMA, expectScimError, oktaUser } from "../helpers/fixtures";

describe("Users", () => {
  test("Okta's create: 201 with the full resource, Location and ETag; password and readOnly junk dropped", async () => {
    const h = host();
    const res = await h
      .post("/Users", { ...oktaUser("ada@example.com"), id: "client-chosen", meta: { created: "junk" } })
      .expect(201);
    expect(res.headers["content-type"]).toBe("application/scim+json; charset=utf-8");
    expect(res.body.id).toEqual(expect.any(String));
    expect(res.body.id).not.toBe("client-chosen");
    expect(res.headers.location).toBe(res.body.meta.location);
    expect(res.body.meta.location).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/scim/v2/Users/${res.body.id}$`));
    expect(res.headers.etag).toBe(res.body.meta.version);
    expect(res.body).toMatchObject({
      schemas: [USER_SCHEMA],
      userName: "ada@example.com",
      name: { givenName: "Ada", familyName: "Lovelace" },
      active: true,
      groups: [],
      meta: { resourceType: "User" },
    });
    expect(res.body.password).toBeUndefined();
    expect(new Date(res.body.meta.created).toISOString()).toBe(res.body.meta.created);
  });

  test("userName is unique case-insensitively: 409 uniqueness", async () => {
    const h = host();
    await createUser(h, "grace@example.com");
    const res = await h.post("/Users", oktaUser("GRACE@example.com"));
    expectScimError(res, 409, "uniqueness");
    expect(res.body.detail).toBe("A User with this userName already exists.");
  });

  test("a base URL configured with a trailing slash still works (clients then ask for //Users)", async () => {
    const h = host();
    await h.get("//Users").expect(200);
  });

  test("a missing userName is 400 invalidValue; malformed JSON is 400 invalidSyntax", async () => {
    const h = host();
    expectScimError(await h.post("/Users", { schemas: [USER_SCHEMA], name: { givenName: "x" } }), 400, "invalidValue");
    const res = await h.post("/Users").set("Content-Type", "application/json").send('{"userName": ');
    expectScimError(res, 400, "invalidSyntax");
  });

  test("GET by id; unknown id is 404 with a detail", async () => {
    const h = host();
    const id = await createUser(h, "alan@example.com");
    const res = await h.get(`/Users/${id}`).expect(200);
    expect(res.body.userName).toBe("alan@example.com");
    expect(res.headers.etag).toBe(res.body.meta.version);
    expectScimError(await h.get("/Users/00000000-0000-0000-0000-000000000000"), 404);
  });

  test("If-None-Match with the current version is 304; If-Match with an old one is 412", async () => {
    const h = host();
    const id = await createUser(h, "etag@example.com");
    const etag = (await h.get(`/Users/${id}`).expect(200)).headers.etag ?? "";
    expect(etag).toMatch(/^W\/"/);
    await h.get(`/Users/${id}`).set("If-None-Match", etag).expect(304);
    await h
      .put(`/Users/${id}`, oktaUser("etag@example.com", { displayName: "v2" }))
      .set("If-Match", etag)
      .expect(200);
    expectScimError(await h.put(`/Users/${id}`, oktaUser("etag@example.com")).set("If-Match", etag), 412);
    expectScimError(await h.delete(`/Users/${id}`).set("If-Match", etag), 412);
  });

  test("Okta's profile update: PUT of the whole object back, with id, meta junk dates, groups and password", async () => {
    const h = host();
    const id = await createUser(h, "put@example.com");
    const current = (await h.get(`/Users/${id}`).expect(200)).body;
    const body = {
      ...current,
      meta: { ...current.meta, created: "04-12-2018 00:00:00" },
      password: "x",
      displayName: "Renamed",
      title: "Dr",
    };
    const res = await h.put(`/Users/${id}`, body).expect(200);
    expect(res.body).toMatchObject({ id, displayName: "Renamed", title: "Dr" });
    expect(res.body.meta.created).toBe(current.meta.created);
    expect(res.body.meta.version).not.toBe(current.meta.version);
    expect(res.body.password).toBeUndefined();
  });

  test("PUT replaces: attributes left out are cleared", async () => {
    const h = host();
    const id = await createUser(h, "clear@example.com", { title: "Engineer" });
    const res = await h.put(`/Users/${id}`, { schemas: [USER_SCHEMA], userName: "clear@example.com" }).expect(200);
    expect(res.body.title).toBeUndefined();
    expect(res.body.name).toBeUndefined();
  });

  test("deactivation by pathless PATCH keeps the user readable, findable and in its groups", async () => {
    const h = host();
    const id = await createUser(h, "leaver@example.com");
    const groupId = await createGroup(h, "Engineering", [id]);
    const res = await h
      .patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: false } }] })
      .expect(200);
    expect(res.body.active).toBe(false);
    expect((await h.get(`/Users/${id}`).expect(200)).body.groups).toEqual([
      expect.objectContaining({ value: groupId, display: "Engineering" }),
    ]);
    const found = await h.get(`/Users?filter=${encodeURIComponent('userName eq "leaver@example.com"')}`).expect(200);
    expect(found.body.Resources[0].active).toBe(false);
  });

  test("Entra's PATCH: capitalised op, string boolean, URN path", async () => {
    const h = host();
    const id = await createUser(h, "entra@example.com");
    const res = await h
      .patch(`/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: "Replace", path: "active", value: "False" },
          { op: "Add", path: `${ENTERPRISE}:employeeNumber`, value: "701984" },
        ],
      })
      .expect(200);
    expect(res.body.active).toBe(false);
    expect(res.body[ENTERPRISE]).toEqual({ employeeNumber: "701984" });
    expect(res.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
  });

  test("a failing PATCH operation leaves the user unchanged", async () => {
    const h = host();
    const id = await createUser(h, "atomic@example.com");
    const before = (await h.get(`/Users/${id}`)).body;
    const res = await h.patch(`/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: "replace", path: "displayName", value: "Changed" },
        { op: "replace", path: "id", value: "nope" },
      ],
    });
    expectScimError(res, 400, "mutability");
    // meta.location follows each request's Host header, which differs per supertest call.
    const strip = (u: { meta: Record<string, unknown> }) => ({ ...u, meta: { ...u.meta, location: undefined } });
    expect(strip((await h.get(`/Users/${id}`)).body)).toEqual(strip(before));
  });

  test("DELETE is 204, then 404; the user leaves its groups", async () => {
    const h = host();
    const id = await createUser(h, "gone@example.com");
    const groupId = await createGroup(h, "Leavers", [id]);
    await h.delete(`/Users/${id}`).expect(204);
    expectScimError(await h.get(`/Users/${id}`), 404);
    expectScimError(await h.delete(`/Users/${id}`), 404);
    expect((await h.get(`/Groups/${groupId}`).expect(200)).body.members ?? []).toEqual([]);
  });

  test("attributes and excludedAttributes on reads; id and schemas always come back", async () => {
    const h = host();
    const id = await createUser(h, "proj@example.com");
    const only = (await h.get(`/Users/${id}?attributes=userName,name.givenName`).expect(200)).body;
    expect(only).toEqual({ schemas: [USER_SCHEMA], id, userName: "proj@example.com", name: { givenName: "Ada" } });
    const without = (await h.get(`/Users/${id}?excludedAttributes=emails,meta`).expect(200)).body;
    expect(without.emails).toBeUndefined();
    expect(without.meta).toBeUndefined();
    expect(without.userName).toBe("proj@example.com");
  });
});
