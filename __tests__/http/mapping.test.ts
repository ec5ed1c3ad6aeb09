/**
 * Mapping over HTTP: Okta's and Entra's default attribute sets provisioned into a host model
 * with its own names; the stored record and the SCIM view must both round-trip exactly.
 */
import { memoryStore, type Store } from "../../lib";
import { entraCreate, oktaCreate } from "../helpers/fixtures";
import { hostPairs, ENT } from "../protocol/mapping-fixtures";
import { host } from "./app";
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, expectScimError } from "../helpers/fixtures";

const CUSTOM = "urn:example:params:scim:schemas:extension:acme:2.0:User";

function mapped(extra: Record<string, unknown> = {}) {
  const store: Store = memoryStore();
  const h = host({ store, mapping: { users: hostPairs }, ...extra });
  const stored = async (id: string) => (await store.users.get({ tenant: "default" }, id))!.record;
  return { h, store, stored };
}

const q = (filter: string) => `/Users?filter=${encodeURIComponent(filter)}`;

describe("attribute mapping", () => {
  test("Okta's create lands in the host's column names and comes back as the same SCIM view", async () => {
    const { h, stored } = mapped();
    const res = await h.post("/Users", oktaCreate).expect(201);
    expect(await stored(res.body.id)).toEqual({
      login: "isabell.ross@example.com",
      idp_subject: "00u1b2c3d4",
      first_name: "Isabell",
      last_name: "Ross",
      display_name: "Isabell Ross",
      job_title: "Engineer",
      locale: "en-US",
      disabled: false,
      email: "isabell.ross@example.com",
      mobile: "+1 555 0100",
      office: oktaCreate.addresses[0],
      hr: { employee_no: "4242", department: "R&D", manager_id: "00u9" },
    });
    const got = (await h.get(`/Users/${res.body.id}`).expect(200)).body;
    expect(got).toMatchObject({
      userName: oktaCreate.userName,
      externalId: oktaCreate.externalId,
      name: oktaCreate.name,
      displayName: oktaCreate.displayName,
      title: "Engineer",
      active: true,
      emails: [{ type: "work", primary: true, value: "isabell.ross@example.com" }],
      phoneNumbers: [{ type: "mobile", value: "+1 555 0100" }],
      addresses: [oktaCreate.addresses[0]],
      [ENT]: { employeeNumber: "4242", department: "R&D", manager: { value: "00u9" } },
    });
    expect(got.schemas).toEqual([USER_SCHEMA, ENT]);
  });

  test("Entra's create, lookups by its matching filters, and a PATCH through the mapping", async () => {
    const { h, stored } = mapped();
    const id = (await h.post("/Users", entraCreate).expect(201)).body.id;
    const email = (entraCreate as { emails: { value: string }[] }).emails[0]!.value;
    for (const filter of [
      `userName eq "${entraCreate.userName}"`,
      `externalId eq "${entraCreate.externalId}"`,
      `emails[type eq "work"].value eq "${email}"`,
    ]) {
      expect((await h.get(q(filter)).expect(200)).body.Resources.map((u: { id: string }) => u.id)).toEqual([id]);
    }
    await h
      .patch(`/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: "Replace", path: "active", value: "False" },
          { op: "Add", path: "title", value: "Lead" },
        ],
      })
      .expect(200);
    expect(await stored(id)).toMatchObject({ disabled: true, job_title: "Lead" });
    expect((await h.get(q("active eq false")).expect(200)).body.totalResults).toBe(1);
  });

  test("a filter or sort on an unmapped attribute is a clear 400, not an empty list", async () => {
    const { h } = mapped();
    await h.post("/Users", oktaCreate).expect(201);
    expectScimError(await h.get(q('nickName eq "x"')), 400, "invalidFilter");
    expectScimError(await h.get("/Users?sortBy=nickName"), 400, "invalidValue");
    expect((await h.get("/Users?sortBy=name.familyName").expect(200)).body.totalResults).toBe(1);
  });

  test("PUT replaces what the mapping writes and keeps the app's own columns", async () => {
    const { h, store, stored } = mapped();
    const id = (await h.post("/Users", oktaCreate).expect(201)).body.id;
    const ctx = { tenant: "default" };
    const current = (await store.users.get(ctx, id))!;
    await store.users.replace(ctx, id, { ...current.record, internal_notes: "VIP", plan: "enterprise" });
    await h.put(`/Users/${id}`, { schemas: [USER_SCHEMA], userName: oktaCreate.userName, title: "CTO" }).expect(200);
    expect(await stored(id)).toEqual({
      login: oktaCreate.userName,
      job_title: "CTO",
      internal_notes: "VIP",
      plan: "enterprise",
    });
  });

  test("/Schemas shows exactly the mapped attributes", async () => {
    const { h } = mapped();
    const user = (await h.get(`/Schemas/${USER_SCHEMA}`).expect(200)).body;
    const names = user.attributes.map((a: { name: string }) => a.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "userName",
        "name",
        "displayName",
        "title",
        "active",
        "emails",
        "phoneNumbers",
        "addresses",
      ]),
    );
    expect(names).not.toContain("nickName");
    expect(names).not.toContain("x509Certificates");
    const ent = (await h.get(`/Schemas/${ENT}`).expect(200)).body;
    expect(ent.attributes.map((a: { name: string }) => a.name).sort()).toEqual([
      "department",
      "employeeNumber",
      "manager",
    ]);
  });

  test("a uniqueness clash names the SCIM attribute, never the app's column", async () => {
    const { h } = mapped();
    await h.post("/Users", oktaCreate).expect(201);
    const res = await h.post("/Users", { ...oktaCreate, userName: oktaCreate.userName.toUpperCase() });
    expectScimError(res, 409, "uniqueness");
    expect(res.body.detail).not.toContain("login");
  });

  test("mapping mistakes fail at start-up", () => {
    expect(() => host({ mapping: { users: [{ scim: "nickName", app: "nick" }] } })).toThrow(TypeError);
    expect(() =>
      host({
        mapping: {
          users: [
            { scim: "userName", app: "login" },
            { scim: "shoeSize", app: "shoe" },
          ],
        },
      }),
    ).toThrow(TypeError);
  });
});

describe("custom extension schemas", () => {
  const schemas = {
    users: [
      {
        id: CUSTOM,
        name: "AcmeUser",
        attributes: [
          { name: "badgeNumber", type: "string" as const, caseExact: true },
          { name: "clearance", type: "integer" as const },
        ],
      },
    ],
  };

  test("declared attributes are stored, returned, filterable and discoverable", async () => {
    const h = host({ schemas });
    const res = await h
      .post("/Users", {
        schemas: [USER_SCHEMA, CUSTOM],
        userName: "c@example.com",
        [CUSTOM]: { badgeNumber: "B-7", clearance: "3" },
      })
      .expect(201);
    expect(res.body[CUSTOM]).toEqual({ badgeNumber: "B-7", clearance: 3 });
    expect(res.body.schemas).toEqual([USER_SCHEMA, CUSTOM]);
    expect((await h.get(q(`${CUSTOM}:clearance gt 2`)).expect(200)).body.totalResults).toBe(1);
    expectScimError(
      await h.post("/Users", {
        schemas: [USER_SCHEMA, CUSTOM],
        userName: "d@example.com",
        [CUSTOM]: { clearance: "high" },
      }),
      400,
      "invalidValue",
    );
    const rt = (await h.get("/ResourceTypes/User").expect(200)).body;
    expect(rt.schemaExtensions.map((e: { schema: string }) => e.schema)).toContain(CUSTOM);
    expect(
      (await h.get(`/Schemas/${CUSTOM}`).expect(200)).body.attributes.map((a: { name: string }) => a.name),
    ).toEqual(["badgeNumber", "clearance"]);
  });

  test("without the declaration the same extension is ignored, or refused with strictExtensions", async () => {
    const body = { schemas: [USER_SCHEMA, CUSTOM], userName: "e@example.com", [CUSTOM]: { badgeNumber: "B-8" } };
    expect((await host().post("/Users", body).expect(201)).body[CUSTOM]).toBeUndefined();
    expectScimError(await host({ strictExtensions: true }).post("/Users", body), 400, "invalidValue");
  });
});

describe("userIdentity: externalId", () => {
  test("externalId becomes required and unique; userName stays unique too", async () => {
    const h = host({ userIdentity: "externalId" });
    expectScimError(await h.post("/Users", { schemas: [USER_SCHEMA], userName: "a@example.com" }), 400, "invalidValue");
    await h.post("/Users", { schemas: [USER_SCHEMA], userName: "a@example.com", externalId: "sub-1" }).expect(201);
    expectScimError(
      await h.post("/Users", { schemas: [USER_SCHEMA], userName: "b@example.com", externalId: "sub-1" }),
      409,
      "uniqueness",
    );
    await h.post("/Users", { schemas: [USER_SCHEMA], userName: "c@example.com", externalId: "SUB-1" }).expect(201);
  });

  test("groups are unaffected by a user mapping", async () => {
    const { h } = mapped();
    await h.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "G" }).expect(201);
  });
});
