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
  type LiveServer,
  type ReplayStore,
} from "./app";
import { memberIds } from "../../lib/cli/check/expect";
import { oktaCrud, oktaGroupPush } from "../../lib/cli/check/sequences/okta-crud";
import { oktaSamlGroups } from "../../lib/cli/check/sequences/okta-group-bodies";
import { faultyStore, type FaultyStore } from "../../lib/testing";
import { everyStep, replaySteps } from "./replay-steps";
import {
  ENTERPRISE,
  GROUP_SCHEMA,
  patchBody,
  SCIM_CONTENT_TYPE,
  USER_SCHEMA,
  expectScimError,
  oktaUser,
} from "../helpers/fixtures";

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

/**
 * Okta's recorded sequences, as `express-scim check` replays them (lib/cli/check/sequences/okta-crud.ts).
 * The check accepts a server that leaves User.groups out; this library lists it on every user
 * answer, and versions every resource, so the extras hold it to that.
 */
describe("Okta CRUD Test: create, profile update, deactivate, reactivate", () => {
  replaySteps(
    oktaCrud,
    () => server,
    everyStep(oktaCrud, {
      1: ({ exchanges: [, created] }) => {
        expect(created!.body.groups).toEqual([]);
      },
      2: ({ exchanges: [current, put] }) => {
        expect(current!.body.meta.version).toEqual(expect.any(String));
        expect(put!.body.meta.version).not.toBe(current!.body.meta.version);
      },
    }),
  );
});

describe("Okta group push", () => {
  replaySteps(
    oktaGroupPush,
    () => server,
    everyStep(oktaGroupPush, {
      4: ({ exchanges }) => {
        expect(exchanges.filter((x) => x.request.method === "GET").map((x) => x.body.meta.version)).toEqual([
          expect.any(String),
          expect.any(String),
        ]);
      },
      // Before the unlink: a group PATCH answers 200 with the group when attributes are asked for.
      9: async (_, saved) => {
        const groupId = saved.groupId as string;
        const x = await server.call("PATCH", `/Groups/${groupId}?attributes=displayName,members`, {
          body: patchBody({ op: "replace", value: { id: groupId, displayName: "Push Engineering" } }),
        });
        expect(x.status).toBe(200);
        expect(x.headers.get("content-type")).toBe(SCIM_CONTENT_TYPE);
        expect(x.body).toMatchObject({ schemas: [GROUP_SCHEMA], id: groupId, displayName: "Push Engineering" });
        expect(x.body.meta).toBeUndefined();
        expect(memberIds(x.body)).toEqual([saved.alice, saved.bob].sort());
      },
    }),
  );
});

describe("Okta custom SAML app: whole groups by POST and PUT", () => {
  replaySteps(oktaSamlGroups, () => server, everyStep(oktaSamlGroups));

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
