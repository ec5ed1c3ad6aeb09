/**
 * Replay of Okta's "CRUD Test" and of its group push (clients.md, Okta), against a real listening
 * server. Each describe is one recorded sequence: its steps run in order and share the ids
 * Okta would have saved between requests.
 */
import {
  expectList,
  expectNoPassword,
  expectResource,
  filterQuery,
  liveServer,
  replayStore,
  type Exchange,
  type LiveServer,
  type ReplayStore,
} from "./app";
import { faultyStore, type FaultyStore } from "../../lib/testing";
import {
  ENTERPRISE,
  GROUP_SCHEMA,
  PATCH_OP,
  SCIM_CONTENT_TYPE,
  USER_SCHEMA,
  expectScimError,
  oktaUser,
} from "../helpers/fixtures";

const patchBody = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const memberIds = (body: { members?: { value: string }[] }) => (body.members ?? []).map((m) => m.value).sort();
/** Okta accepts either answer to a group PATCH (clients.md): 204, or 200 with the group. */
const expectGroupPatchOk = (x: Exchange) => {
  expect([200, 204]).toContain(x.status);
  if (x.status === 204) expect(x.text).toBe("");
  else expectResource(x, 200, GROUP_SCHEMA);
};

let server: LiveServer;
beforeAll(async () => {
  server = await liveServer({ profile: "okta" });
});
afterAll(() => server.close());

async function newUser(userName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const x = await server.call("POST", "/Users", { body: oktaUser(userName, extra) });
  expectResource(x, 201, USER_SCHEMA);
  return x.body.id;
}

async function userByName(userName: string) {
  const x = await server.call("GET", `/Users?${filterQuery(`userName eq "${userName}"`)}&startIndex=1&count=100`);
  expectList(x, 1);
  return x.body.Resources[0];
}

describe("Okta CRUD Test: create, profile update, deactivate, reactivate", () => {
  const userName = "crud.okta@example.com";
  let id: string;
  let groupId: string;

  test("1. lookup before create finds nothing; create answers 201 with the full resource", async () => {
    expectList(
      await server.call("GET", `/Users?${filterQuery(`userName eq "${userName}"`)}&startIndex=1&count=100`),
      0,
    );
    const x = await server.call("POST", "/Users", { body: oktaUser(userName) });
    expectResource(x, 201, USER_SCHEMA);
    expect(x.body).toMatchObject({
      userName,
      active: true,
      groups: [],
      name: { givenName: "Ada", familyName: "Lovelace" },
    });
    id = x.body.id;
    // Membership made by group push, so we can check it survives everything below.
    const g = await server.call("POST", "/Groups", {
      body: { schemas: [GROUP_SCHEMA], displayName: "CRUD Team", members: [{ value: id }] },
    });
    expectResource(g, 201, GROUP_SCHEMA);
    groupId = g.body.id;
  });

  test("2. profile update: GET, then PUT the whole object back with id, junk meta dates, groups and password", async () => {
    const current = await server.call("GET", `/Users/${id}`);
    expectResource(current, 200, USER_SCHEMA);
    const body = {
      ...current.body,
      meta: { ...current.body.meta, created: "04-12-2018 00:00:00", lastModified: "04-12-2018 00:00:00" },
      password: "n3wPl@ceholder",
      name: { givenName: "Augusta", familyName: "King" },
      displayName: "Augusta King",
      title: "Countess",
    };
    const x = await server.call("PUT", `/Users/${id}`, { body });
    expectResource(x, 200, USER_SCHEMA);
    expect(x.body).toMatchObject({
      id,
      userName,
      displayName: "Augusta King",
      title: "Countess",
      name: { givenName: "Augusta", familyName: "King" },
    });
    expect(x.body.meta.created).toBe(current.body.meta.created);
    expect(x.body.meta.version).not.toBe(current.body.meta.version);
    expect(x.body.groups).toEqual([expect.objectContaining({ value: groupId, display: "CRUD Team" })]);
    expect((await server.call("GET", `/Users/${id}`)).body.displayName).toBe("Augusta King");
  });

  test("3. deactivate (OIN app): pathless PATCH replace {active:false}: 200 with the user", async () => {
    const x = await server.call("PATCH", `/Users/${id}`, {
      body: patchBody({ op: "replace", value: { active: false } }),
    });
    expectResource(x, 200, USER_SCHEMA);
    expect(x.body.active).toBe(false);
    expect(x.body.displayName).toBe("Augusta King");
  });

  test("4. a deactivated user stays readable by id and by filter, and keeps its groups", async () => {
    const byId = await server.call("GET", `/Users/${id}`);
    expectResource(byId, 200, USER_SCHEMA);
    expect(byId.body.active).toBe(false);
    expect(byId.body.groups).toEqual([expect.objectContaining({ value: groupId })]);
    expect(await userByName(userName)).toMatchObject({ id, active: false });
    const group = await server.call("GET", `/Groups/${groupId}`);
    expect(memberIds(group.body)).toEqual([id]);
  });

  test("5. reactivate by pathless PATCH {active:true}", async () => {
    const x = await server.call("PATCH", `/Users/${id}`, {
      body: patchBody({ op: "replace", value: { active: true } }),
    });
    expectResource(x, 200, USER_SCHEMA);
    expect(x.body.active).toBe(true);
  });

  test("6. deactivate (custom SAML app): full PUT with active:false; then reactivate with active:true", async () => {
    const current = (await server.call("GET", `/Users/${id}`)).body;
    const off = await server.call("PUT", `/Users/${id}`, { body: { ...current, active: false, password: "p" } });
    expectResource(off, 200, USER_SCHEMA);
    expect(off.body.active).toBe(false);
    expect(await userByName(userName)).toMatchObject({
      id,
      active: false,
      groups: [expect.objectContaining({ value: groupId })],
    });
    const on = await server.call("PUT", `/Users/${id}`, { body: { ...off.body, active: true } });
    expectResource(on, 200, USER_SCHEMA);
    expect(on.body).toMatchObject({ active: true, title: "Countess" });
    expect(on.body.groups).toEqual([expect.objectContaining({ value: groupId })]);
  });
});

describe("Okta group push", () => {
  let alice: string;
  let bob: string;
  let carol: string;
  let groupId: string;
  const rename = (displayName: string) => patchBody({ op: "replace", value: { id: groupId, displayName } });

  beforeAll(async () => {
    alice = await newUser("alice.push@example.com");
    bob = await newUser("bob.push@example.com");
    carol = await newUser("carol.push@example.com");
  });

  test("1. lookup by displayName finds nothing; POST {displayName, members: []} is 201", async () => {
    expectList(
      await server.call("GET", `/Groups?${filterQuery('displayName eq "Push Engineering"')}&startIndex=1&count=100`),
      0,
    );
    const x = await server.call("POST", "/Groups", {
      body: { schemas: [GROUP_SCHEMA], displayName: "Push Engineering", members: [] },
    });
    expectResource(x, 201, GROUP_SCHEMA);
    expect(x.body.displayName).toBe("Push Engineering");
    expect(x.body.members ?? []).toEqual([]);
    expect(x.headers.get("location")).toBe(`${server.base}/Groups/${x.body.id}`);
    groupId = x.body.id;
  });

  test("2. find by displayName eq (any case)", async () => {
    for (const name of ["Push Engineering", "push engineering"]) {
      const x = await server.call("GET", `/Groups?${filterQuery(`displayName eq "${name}"`)}&startIndex=1&count=100`);
      expectList(x, 1);
      expect(x.body.Resources[0]).toMatchObject({ id: groupId, displayName: "Push Engineering" });
    }
  });

  test("3. rename by pathless replace carrying id and displayName; re-sent, it changes nothing", async () => {
    expectGroupPatchOk(await server.call("PATCH", `/Groups/${groupId}`, { body: rename("Push Eng") }));
    const first = await server.call("GET", `/Groups/${groupId}`);
    expect(first.body).toMatchObject({ id: groupId, displayName: "Push Eng" });
    expectGroupPatchOk(await server.call("PATCH", `/Groups/${groupId}`, { body: rename("Push Eng") }));
    const again = await server.call("GET", `/Groups/${groupId}`);
    expect(again.body).toMatchObject({ id: groupId, displayName: "Push Eng" });
    expect(again.body.meta.version).toBe(first.body.meta.version);
  });

  test("4. add members (array value with display), with the rename re-sent around it", async () => {
    expectGroupPatchOk(await server.call("PATCH", `/Groups/${groupId}`, { body: rename("Push Eng") }));
    const add = patchBody({
      op: "add",
      path: "members",
      value: [
        { value: alice, display: "alice.push@example.com" },
        { value: bob, display: "bob.push@example.com" },
      ],
    });
    expectGroupPatchOk(await server.call("PATCH", `/Groups/${groupId}`, { body: add }));
    expectGroupPatchOk(await server.call("PATCH", `/Groups/${groupId}`, { body: rename("Push Eng") }));
    const g = await server.call("GET", `/Groups/${groupId}`);
    expect(memberIds(g.body)).toEqual([alice, bob].sort());
    expect(g.body.displayName).toBe("Push Eng");
  });

  test("5. one PATCH mixing remove members[value eq] with an add", async () => {
    const x = await server.call("PATCH", `/Groups/${groupId}`, {
      body: patchBody(
        { op: "remove", path: `members[value eq "${alice}"]` },
        { op: "add", path: "members", value: [{ value: carol, display: "carol.push@example.com" }] },
      ),
    });
    expectGroupPatchOk(x);
    expect(memberIds((await server.call("GET", `/Groups/${groupId}`)).body)).toEqual([bob, carol].sort());
    expect((await server.call("GET", `/Users/${alice}`)).body.groups).toEqual([]);
    expect((await server.call("GET", `/Users/${carol}`)).body.groups).toEqual([
      expect.objectContaining({ value: groupId, display: "Push Eng" }),
    ]);
  });

  test("6. rename and membership in the same PATCH", async () => {
    const x = await server.call("PATCH", `/Groups/${groupId}`, {
      body: patchBody(
        { op: "replace", value: { id: groupId, displayName: "Push Engineering" } },
        { op: "remove", path: `members[value eq "${bob}"]` },
      ),
    });
    expectGroupPatchOk(x);
    const g = (await server.call("GET", `/Groups/${groupId}`)).body;
    expect(g.displayName).toBe("Push Engineering");
    expect(memberIds(g)).toEqual([carol]);
  });

  test("7. full replace of members", async () => {
    const x = await server.call("PATCH", `/Groups/${groupId}`, {
      body: patchBody({
        op: "replace",
        path: "members",
        value: [
          { value: alice, display: "a" },
          { value: bob, display: "b" },
        ],
      }),
    });
    expectGroupPatchOk(x);
    expect(memberIds((await server.call("GET", `/Groups/${groupId}`)).body)).toEqual([alice, bob].sort());
  });

  test("8. removing a member that is not there is a no-op, not an error", async () => {
    const x = await server.call("PATCH", `/Groups/${groupId}`, {
      body: patchBody({ op: "remove", path: `members[value eq "${carol}"]` }),
    });
    expectGroupPatchOk(x);
    expect(memberIds((await server.call("GET", `/Groups/${groupId}`)).body)).toEqual([alice, bob].sort());
  });

  test("9. a group PATCH answers 200 with the group when attributes are asked for", async () => {
    const x = await server.call("PATCH", `/Groups/${groupId}?attributes=displayName,members`, {
      body: rename("Push Engineering"),
    });
    expect(x.status).toBe(200);
    expect(x.headers.get("content-type")).toBe(SCIM_CONTENT_TYPE);
    expect(x.body).toMatchObject({ schemas: [GROUP_SCHEMA], id: groupId, displayName: "Push Engineering" });
    expect(x.body.meta).toBeUndefined();
    expect(memberIds(x.body)).toEqual([alice, bob].sort());
  });

  test("10. unlinking the push deletes the group: 204, then 404; users lose the membership", async () => {
    const x = await server.call("DELETE", `/Groups/${groupId}`, { contentType: "application/scim+json" });
    expect(x.status).toBe(204);
    expect(x.text).toBe("");
    expectScimError(await server.call("GET", `/Groups/${groupId}`), 404);
    expect((await server.call("GET", `/Users/${alice}`)).body.groups).toEqual([]);
  });
});

describe("Okta custom SAML app: whole groups by POST and PUT", () => {
  test("POST with members, PUT whole group (id, meta, new member list), PUT with members: [] empties it", async () => {
    const a = await newUser("saml.a@example.com");
    const b = await newUser("saml.b@example.com");
    const created = await server.call("POST", "/Groups", {
      body: {
        schemas: [GROUP_SCHEMA],
        displayName: "SAML Group",
        members: [{ value: a, display: "saml.a@example.com" }],
      },
    });
    expectResource(created, 201, GROUP_SCHEMA);
    expect(memberIds(created.body)).toEqual([a]);
    const id = created.body.id;

    const put = await server.call("PUT", `/Groups/${id}`, {
      body: {
        ...created.body,
        meta: { ...created.body.meta, created: "04-12-2018 00:00:00" },
        displayName: "SAML Group",
        members: [
          { value: a, display: "saml.a@example.com" },
          { value: b, display: "saml.b@example.com" },
        ],
      },
    });
    expectResource(put, 200, GROUP_SCHEMA);
    expect(memberIds(put.body)).toEqual([a, b].sort());
    expect(put.body.meta.created).toBe(created.body.meta.created);

    const emptied = await server.call("PUT", `/Groups/${id}`, {
      body: { schemas: [GROUP_SCHEMA], id, displayName: "SAML Group", members: [] },
    });
    expectResource(emptied, 200, GROUP_SCHEMA);
    expect(emptied.body.members ?? []).toEqual([]);
    expect((await server.call("GET", `/Users/${b}`)).body.groups).toEqual([]);
  });

  test("PUT with an unknown member id: 200, the known members are written and the unknown one dropped (Okta never retries a 400)", async () => {
    const a = await newUser("saml.c@example.com");
    const b = await newUser("saml.d@example.com");
    const created = await server.call("POST", "/Groups", {
      body: { schemas: [GROUP_SCHEMA], displayName: "SAML Lenient", members: [{ value: a }] },
    });
    const id = created.body.id;
    const x = await server.call("PUT", `/Groups/${id}`, {
      body: {
        schemas: [GROUP_SCHEMA],
        displayName: "SAML Lenient",
        members: [{ value: "no-such-user" }, { value: b }],
      },
    });
    expectResource(x, 200, GROUP_SCHEMA);
    expect(memberIds((await server.call("GET", `/Groups/${id}`)).body)).toEqual([b]);
  });
});

describe("Okta at scale: 10,000 members per body, more through PATCH", () => {
  let ids: string[] = [];
  let own: ReplayStore;
  // This describe's own server: every store call is recorded, to show what a member PATCH costs without a stopwatch.
  let recorder: FaultyStore;
  let server: LiveServer;
  beforeAll(async () => {
    own = await replayStore();
    recorder = faultyStore(own.store);
    server = await liveServer({ store: recorder });
    // Seeded in bulk beside the router: 10,500 users over HTTP, or one by one, would only measure the test.
    ids = await own.seedUsers(Array.from({ length: 10_500 }, (_, i) => `bulk${i}@example.com`));
  });
  afterAll(async () => {
    await server.close();
    await own.dispose();
  });

  test("custom SAML app: POST and PUT whole groups of 10,000 members; 10,001 is 400 tooMany", async () => {
    const members = ids.slice(0, 10_000).map((value) => ({ value, display: value }));
    const created = await server.call("POST", "/Groups?excludedAttributes=members", {
      body: { schemas: [GROUP_SCHEMA], displayName: "Ten Thousand", members },
    });
    expectResource(created, 201, GROUP_SCHEMA);
    expect(created.body.members).toBeUndefined();
    const id = created.body.id;
    const full = await server.call("GET", `/Groups/${id}`);
    expect(full.body.members).toHaveLength(10_000);
    const put = await server.call("PUT", `/Groups/${id}?excludedAttributes=members`, {
      body: {
        schemas: [GROUP_SCHEMA],
        displayName: "Ten Thousand",
        members: ids.slice(500, 10_500).map((value) => ({ value })),
      },
    });
    expectResource(put, 200, GROUP_SCHEMA);
    expect((await server.call("GET", `/Groups/${id}`)).body.members).toHaveLength(10_000);
    const tooMany = ids
      .slice(0, 10_000)
      .map((value) => ({ value }))
      .concat(ids.slice(10_400, 10_402).map((value) => ({ value })));
    const refused = await server.call("PUT", `/Groups/${id}`, {
      body: { schemas: [GROUP_SCHEMA], displayName: "Ten Thousand", members: tooMany.slice(0, 10_001) },
    });
    expectScimError(refused, 400, "tooMany");
    expectScimError(
      await server.call("POST", "/Groups", {
        body: { schemas: [GROUP_SCHEMA], displayName: "Too Many", members: tooMany },
      }),
      400,
      "tooMany",
    );
  });

  test("Governance template: PATCH grows a group past 10,000 members; member PATCHes answer 204", async () => {
    const created = await server.call("POST", "/Groups", {
      body: {
        schemas: [GROUP_SCHEMA],
        displayName: "Governed",
        members: ids.slice(0, 10_000).map((value) => ({ value })),
      },
    });
    const id = created.body.id;
    const add = await server.call("PATCH", `/Groups/${id}`, {
      body: patchBody({ op: "add", path: "members", value: ids.slice(10_000, 10_500).map((value) => ({ value })) }),
    });
    expect(add.status).toBe(204);
    const count = await server.call("GET", `/Groups?${filterQuery(`id eq "${id}"`)}&excludedAttributes=members`);
    expectList(count, 1);
    const all = await server.call("GET", `/Groups/${id}`);
    expect(all.body.members).toHaveLength(10_500);
    recorder.reset();
    const remove = await server.call("PATCH", `/Groups/${id}`, {
      body: patchBody(...ids.slice(0, 3).map((value) => ({ op: "remove", path: `members[value eq "${value}"]` }))),
    });
    expect(remove.status).toBe(204);
    // design.md: a big group is never read, cloned or written whole to remove a member; the
    // store is handed the three ids, so the cost follows them, not the 10,500 members.
    const calls = recorder.calls.filter((c) => c.resource === "groups");
    expect(calls.filter((c) => c.method === "get").map((c) => c.args[2])).not.toContainEqual(
      expect.objectContaining({ members: true }),
    );
    expect(calls.map((c) => c.method)).not.toContain("replace");
    expect(calls.map((c) => c.method)).not.toContain("replaceMembers");
    expect(calls.filter((c) => c.method === "removeMembers").map((c) => c.args[2])).toEqual([ids.slice(0, 3)]);
    expect((await server.call("GET", `/Groups/${id}`)).body.members).toHaveLength(10_497);
  });
});

describe("Okta attribute mappings that send odd shapes", () => {
  test('default email/phone/address types: entries with type "" or without value are tolerated', async () => {
    const x = await server.call("POST", "/Users", {
      body: oktaUser("odd.types@example.com", {
        emails: [
          { primary: true, value: "odd.types@example.com", type: "work" },
          { primary: false, type: "" },
          { value: "home@example.com", type: "" },
        ],
        phoneNumbers: [
          { type: "", primary: false },
          { value: "+1 555 0100", type: "mobile" },
        ],
        addresses: [
          { type: "", primary: false },
          { type: "work", locality: "London", country: "GB", primary: true },
        ],
      }),
    });
    expectResource(x, 201, USER_SCHEMA);
    expect(x.body.emails).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ value: "odd.types@example.com", primary: true }),
        expect.objectContaining({ value: "home@example.com" }),
      ]),
    );
    // Entries with nothing but type/primary carry no data and are not stored.
    for (const e of x.body.emails) expect(typeof e.value).toBe("string");
    expect(x.body.phoneNumbers).toEqual([expect.objectContaining({ value: "+1 555 0100", type: "mobile" })]);
    expect(x.body.addresses).toEqual([expect.objectContaining({ locality: "London", type: "work" })]);
    // The same shapes on a profile update.
    const put = await server.call("PUT", `/Users/${x.body.id}`, {
      body: { ...x.body, emails: [{ type: "", primary: true, value: "odd.types@example.com" }, { type: "" }] },
    });
    expectResource(put, 200, USER_SCHEMA);
    expect(put.body.emails).toEqual([expect.objectContaining({ value: "odd.types@example.com" })]);
  });

  test("template app roles as plain strings are read as {value}", async () => {
    const x = await server.call("POST", "/Users", {
      body: oktaUser("roles.strings@example.com", { roles: ["admin", "auditor"] }),
    });
    expectResource(x, 201, USER_SCHEMA);
    expect(x.body.roles).toEqual([{ value: "admin" }, { value: "auditor" }]);
    const found = await server.call("GET", `/Users?${filterQuery('roles.value eq "auditor"')}`);
    expectList(found, 1);
    expect(found.body.Resources[0].id).toBe(x.body.id);
    const patched = await server.call("PATCH", `/Users/${x.body.id}`, {
      body: patchBody({ op: "add", path: "roles", value: ["editor"] }),
    });
    expectResource(patched, 200, USER_SCHEMA);
    expect(patched.body.roles.map((r: { value: string }) => r.value).sort()).toEqual(["admin", "auditor", "editor"]);
  });

  test("custom extension URNs in schemas, with or without attributes under them, never fail", async () => {
    const custom = "urn:okta:custom:schemas:extension:crud:1.0:User";
    const body = {
      ...oktaUser("custom.urn@example.com"),
      schemas: [USER_SCHEMA, ENTERPRISE, custom],
      [ENTERPRISE]: { employeeNumber: "1234", department: "R&D" },
      [custom]: { favouriteColour: "teal" },
    };
    const x = await server.call("POST", "/Users", { body });
    expectResource(x, 201, USER_SCHEMA);
    expect(x.body[ENTERPRISE]).toEqual({ employeeNumber: "1234", department: "R&D" });
    expect(x.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
    const put = await server.call("PUT", `/Users/${x.body.id}`, { body: { ...body, displayName: "Custom" } });
    expectResource(put, 200, USER_SCHEMA);
    expect(put.body.displayName).toBe("Custom");
    const patched = await server.call("PATCH", `/Users/${x.body.id}`, {
      body: patchBody({
        op: "replace",
        value: { [custom]: { favouriteColour: "red" }, [`${ENTERPRISE}:department`]: "Ops" },
      }),
    });
    expectResource(patched, 200, USER_SCHEMA);
    expect(patched.body[ENTERPRISE]).toEqual({ employeeNumber: "1234", department: "Ops" });
    const only = await server.call("POST", "/Users", {
      body: { ...oktaUser("custom.only@example.com"), schemas: [USER_SCHEMA, custom] },
    });
    expectResource(only, 201, USER_SCHEMA);
  });

  test("the placeholder password is accepted on create, PUT and PATCH and never echoed", async () => {
    const id = await newUser("pw.never@example.com");
    const put = await server.call("PUT", `/Users/${id}`, {
      body: oktaUser("pw.never@example.com", { password: "Secr3t!" }),
    });
    expectResource(put, 200, USER_SCHEMA);
    const patched = await server.call("PATCH", `/Users/${id}`, {
      body: patchBody({ op: "replace", path: "password", value: "An0ther!" }),
    });
    expectResource(patched, 200, USER_SCHEMA);
    const list = await server.call(
      "GET",
      `/Users?${filterQuery('userName eq "pw.never@example.com"')}&attributes=password,userName`,
    );
    expectList(list, 1);
    expectNoPassword(list.body);
    expect(list.text).not.toMatch(/Secr3t|An0ther|tempP@ss/);
  });
});
