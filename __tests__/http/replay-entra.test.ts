/**
 * Replay of Microsoft Entra ID's documented provisioning requests (clients.md, Entra), against a
 * real listening server. Every request carries `?aadOptscim062020`, as Entra's do once the flag
 * is set; ops arrive in both Entra dialects (`Replace` and `replace`), booleans as strings.
 */
import { randomUUID } from "node:crypto";
import {
  expectList,
  expectResource,
  filterQuery,
  liveServer,
  type CallOptions,
  type Exchange,
  type LiveServer,
} from "./app";
import {
  ENTERPRISE,
  GROUP_SCHEMA,
  PATCH_OP,
  SCIM_CONTENT_TYPE,
  USER_SCHEMA,
  expectScimError,
} from "../helpers/fixtures";

const MS_GROUP_SCHEMA = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";
const FLAG = "aadOptscim062020";

let server: LiveServer;
beforeAll(async () => {
  server = await liveServer({ profile: "entra" });
});
afterAll(() => server.close());

/** Every Entra request carries the flag, before or after the other parameters. */
function entra(method: string, path: string, options?: CallOptions): Promise<Exchange> {
  const withFlag = path.includes("?") ? `${path}&${FLAG}` : `${path}?${FLAG}`;
  return server.call(method, withFlag, options);
}
const ops = (...Operations: unknown[]) => ({ body: { schemas: [PATCH_OP], Operations } });

/** Entra's create-user body (its docs' "Create User" request). */
function entraUser(userName: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    externalId: randomUUID(),
    userName,
    active: true,
    emails: [{ primary: true, type: "work", value: userName }],
    meta: { resourceType: "User" },
    name: { formatted: "Given Family", familyName: "Family", givenName: "Given" },
    roles: [],
    ...extra,
  };
}

async function createEntraUser(userName: string, extra: Record<string, unknown> = {}) {
  const x = await entra("POST", "/Users", { body: entraUser(userName, extra) });
  expectResource(x, 201, USER_SCHEMA);
  return x.body as { id: string; externalId: string; [k: string]: unknown };
}

async function getUser(id: string) {
  const x = await entra("GET", `/Users/${id}`);
  expectResource(x, 200, USER_SCHEMA);
  return x.body;
}

describe("Entra: test connection and matching", () => {
  test("test connection: filter on a random GUID answers 200 with an empty ListResponse", async () => {
    for (const attr of ["userName", "id", "externalId"]) {
      const x = await entra("GET", `/Users?${filterQuery(`${attr} eq "${randomUUID()}"`)}`);
      expectList(x, 0);
      expect(x.body.Resources).toEqual([]);
      expect(x.body.startIndex).toBe(1);
    }
    expectList(
      await entra("GET", `/Groups?excludedAttributes=members&${filterQuery(`displayName eq "${randomUUID()}"`)}`),
      0,
    );
  });

  test("the flag alone, first, last, or with a value never breaks a request", async () => {
    expectList(await server.call("GET", `/Users?${FLAG}`));
    expectList(await server.call("GET", `/Users?${FLAG}&startIndex=1&count=5`));
    expectList(await server.call("GET", `/Users?startIndex=1&${FLAG}=true&count=5`));
    const spc = await server.call("GET", `/ServiceProviderConfig?${FLAG}`);
    expect(spc.status).toBe(200);
  });

  test('matching by userName eq, externalId eq (quoted and unquoted) and emails[type eq "work"].value eq', async () => {
    const u = await createEntraUser("Match.Entra@contoso.com");
    const other = await createEntraUser("other.entra@contoso.com");
    const cases = [
      'userName eq "match.entra@contoso.com"',
      `externalId eq "${u.externalId}"`,
      `externalId eq ${u.externalId}`,
      'emails[type eq "work"].value eq "Match.Entra@contoso.com"',
      'emails[type eq "work"].value eq "MATCH.ENTRA@contoso.com"',
      `userName eq "Match.Entra@contoso.com" and externalId eq "${u.externalId}"`,
    ];
    for (const filter of cases) {
      const x = await entra("GET", `/Users?${filterQuery(filter)}`);
      expectList(x, 1);
      expect({ filter, id: x.body.Resources[0].id }).toEqual({ filter, id: u.id });
    }
    // externalId is caseExact: a differently-cased id is another user.
    expectList(await entra("GET", `/Users?${filterQuery(`externalId eq "${u.externalId.toUpperCase()}"`)}`), 0);
    // A home email with the value does not match a work-email filter.
    const home = await createEntraUser("home.entra@contoso.com", {
      emails: [{ type: "home", value: "shared@contoso.com" }],
    });
    expectList(await entra("GET", `/Users?${filterQuery('emails[type eq "work"].value eq "shared@contoso.com"')}`), 0);
    expect(home.id).not.toBe(other.id);
  });

  test("query strings with + for spaces are read the same as %20", async () => {
    await createEntraUser("plus.entra@contoso.com");
    const x = await entra("GET", '/Users?filter=userName+eq+"plus.entra@contoso.com"');
    expectList(x, 1);
  });
});

describe("Entra: user lifecycle", () => {
  let id: string;

  test('create with "active":"True" as a string: 201, stored as a boolean', async () => {
    const body = entraUser("lifecycle.entra@contoso.com", { active: "True" });
    const x = await entra("POST", "/Users", { body });
    expectResource(x, 201, USER_SCHEMA);
    expect(x.body.active).toBe(true);
    expect(x.body.externalId).toBe(body.externalId);
    expect(x.body.roles).toBeUndefined();
    id = x.body.id;
  });

  test('multi-valued update: Replace emails[type eq "work"].value and name.familyName', async () => {
    const x = await entra(
      "PATCH",
      `/Users/${id}`,
      ops(
        { op: "Replace", path: 'emails[type eq "work"].value', value: "updated.email@contoso.com" },
        { op: "Replace", path: "name.familyName", value: "UpdatedFamily" },
      ),
    );
    expectResource(x, 200, USER_SCHEMA);
    expect(x.body.emails).toEqual([{ primary: true, type: "work", value: "updated.email@contoso.com" }]);
    expect(x.body.name).toMatchObject({ familyName: "UpdatedFamily", givenName: "Given" });
  });

  test("single-valued update: Replace userName (lower-case op too)", async () => {
    const x = await entra(
      "PATCH",
      `/Users/${id}`,
      ops({ op: "replace", path: "userName", value: "renamed.entra@contoso.com" }),
    );
    expectResource(x, 200, USER_SCHEMA);
    expect(x.body.userName).toBe("renamed.entra@contoso.com");
    expectList(await entra("GET", `/Users?${filterQuery('userName eq "renamed.entra@contoso.com"')}`), 1);
  });

  test('disable: Replace active with "False"; memberships survive; filter by active finds it', async () => {
    const group = await entra("POST", "/Groups", {
      body: { schemas: [GROUP_SCHEMA, MS_GROUP_SCHEMA], displayName: "Lifecycle", members: [{ value: id }] },
    });
    expectResource(group, 201, GROUP_SCHEMA);
    const x = await entra("PATCH", `/Users/${id}`, ops({ op: "Replace", path: "active", value: "False" }));
    expectResource(x, 200, USER_SCHEMA);
    expect(x.body.active).toBe(false);
    expect(x.body.groups).toEqual([expect.objectContaining({ value: group.body.id, display: "Lifecycle" })]);
    const g = await entra("GET", `/Groups/${group.body.id}`);
    expect(g.body.members.map((m: { value: string }) => m.value)).toEqual([id]);
    const found = await entra(
      "GET",
      `/Users?${filterQuery('userName eq "renamed.entra@contoso.com" and active eq false')}`,
    );
    expectList(found, 1);
  });

  test('re-enable with lower-case op and "true"; disable again with a boolean', async () => {
    const on = await entra("PATCH", `/Users/${id}`, ops({ op: "replace", path: "active", value: "true" }));
    expect(on.body.active).toBe(true);
    const off = await entra("PATCH", `/Users/${id}`, ops({ op: "Replace", path: "active", value: false }));
    expectResource(off, 200, USER_SCHEMA);
    expect(off.body.active).toBe(false);
  });

  test("hard delete weeks after the soft delete: 204, then 404 and gone from its groups", async () => {
    const [group] = (await getUser(id)).groups as { value: string }[];
    if (!group) throw new Error("the user is in no group before its delete");
    const x = await entra("DELETE", `/Users/${id}`);
    expect(x.status).toBe(204);
    expect(x.text).toBe("");
    expectScimError(await entra("GET", `/Users/${id}`), 404);
    expectList(await entra("GET", `/Users?${filterQuery('userName eq "renamed.entra@contoso.com"')}`), 0);
    const g = await entra("GET", `/Groups/${group.value}`);
    expect(g.body.members ?? []).toEqual([]);
  });
});

describe("Entra: PATCH dialects", () => {
  test("capitalised and lower-case ops in one request", async () => {
    const u = await createEntraUser("dialect.entra@contoso.com");
    const x = await entra(
      "PATCH",
      `/Users/${u.id}`,
      ops(
        { op: "Add", path: "title", value: "Engineer" },
        { op: "replace", path: "displayName", value: "Dialect" },
        { op: "Replace", path: "nickName", value: "Dee" },
        { op: "Remove", path: "nickName" },
        { op: "add", path: "preferredLanguage", value: "en-GB" },
      ),
    );
    expectResource(x, 200, USER_SCHEMA);
    expect(x.body).toMatchObject({ title: "Engineer", displayName: "Dialect", preferredLanguage: "en-GB" });
    expect(x.body.nickName).toBeUndefined();
  });

  test("pathless value with dotted keys, URN-qualified keys and a string boolean", async () => {
    const u = await createEntraUser("pathless.entra@contoso.com");
    const x = await entra(
      "PATCH",
      `/Users/${u.id}`,
      ops({
        op: "Replace",
        value: {
          "name.givenName": "Pat",
          "name.familyName": "Less",
          displayName: "Pat Less",
          active: "False",
          [`${ENTERPRISE}:employeeNumber`]: "701984",
          [`${ENTERPRISE}:department`]: "Tour Operations",
          'emails[type eq "work"].value': "pat.less@contoso.com",
        },
      }),
    );
    expectResource(x, 200, USER_SCHEMA);
    expect(x.body).toMatchObject({
      displayName: "Pat Less",
      active: false,
      name: { givenName: "Pat", familyName: "Less", formatted: "Given Family" },
    });
    expect(x.body[ENTERPRISE]).toEqual({ employeeNumber: "701984", department: "Tour Operations" });
    expect(x.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
    expect(x.body.emails).toEqual([{ primary: true, type: "work", value: "pat.less@contoso.com" }]);
  });

  test('add emails[type eq "work"].value on a user without a work email creates the element', async () => {
    const u = await createEntraUser("nowork.entra@contoso.com", {
      emails: [{ type: "home", value: "home@contoso.com" }],
    });
    const x = await entra(
      "PATCH",
      `/Users/${u.id}`,
      ops({ op: "Add", path: 'emails[type eq "work"].value', value: "work@contoso.com" }),
    );
    expectResource(x, 200, USER_SCHEMA);
    expect(x.body.emails).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "home", value: "home@contoso.com" }),
        expect.objectContaining({ type: "work", value: "work@contoso.com" }),
      ]),
    );
    expect(x.body.emails).toHaveLength(2);
    const found = await entra("GET", `/Users?${filterQuery('emails[type eq "work"].value eq "work@contoso.com"')}`);
    expectList(found, 1);
  });

  test("replace on a filter that matches nothing creates the element rather than failing", async () => {
    const u = await createEntraUser("nophone.entra@contoso.com");
    const x = await entra(
      "PATCH",
      `/Users/${u.id}`,
      ops(
        { op: "Replace", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 425 555 0100" },
        { op: "replace", path: 'addresses[type eq "work"].locality', value: "Redmond" },
      ),
    );
    expectResource(x, 200, USER_SCHEMA);
    expect(x.body.phoneNumbers).toEqual([expect.objectContaining({ type: "mobile", value: "+1 425 555 0100" })]);
    expect(x.body.addresses).toEqual([expect.objectContaining({ type: "work", locality: "Redmond" })]);
  });

  test('roles with primary "True", then a roles[primary eq "True"].value path', async () => {
    const u = await createEntraUser("roles.entra@contoso.com");
    const added = await entra(
      "PATCH",
      `/Users/${u.id}`,
      ops({
        op: "Add",
        path: "roles",
        value: [{ primary: "True", type: "WindowsAzureActiveDirectoryRole", value: "Admin" }],
      }),
    );
    expectResource(added, 200, USER_SCHEMA);
    expect(added.body.roles).toEqual([{ primary: true, type: "WindowsAzureActiveDirectoryRole", value: "Admin" }]);
    const replaced = await entra(
      "PATCH",
      `/Users/${u.id}`,
      ops({ op: "Replace", path: 'roles[primary eq "True"].value', value: "Reader" }),
    );
    expectResource(replaced, 200, USER_SCHEMA);
    expect(replaced.body.roles).toEqual([expect.objectContaining({ primary: true, value: "Reader" })]);
    const found = await entra("GET", `/Users?${filterQuery('roles[primary eq "True"].value eq "Reader"')}`);
    expectList(found, 1);
    expect(found.body.Resources[0].id).toBe(u.id);
  });

  test('manager as {value}, as [{value,$ref}], as a bare id; "" and null clear it', async () => {
    const boss = await createEntraUser("boss.entra@contoso.com");
    const boss2 = await createEntraUser("boss2.entra@contoso.com");
    const u = await createEntraUser("report.entra@contoso.com");
    const path = `${ENTERPRISE}:manager`;
    const managerOf = async (x: Exchange) => {
      expectResource(x, 200, USER_SCHEMA);
      return x.body[ENTERPRISE]?.manager;
    };
    expect(
      await managerOf(await entra("PATCH", `/Users/${u.id}`, ops({ op: "Replace", path, value: { value: boss.id } }))),
    ).toMatchObject({ value: boss.id });
    expect(
      await managerOf(
        await entra("PATCH", `/Users/${u.id}`, ops({ op: "Add", path, value: [{ $ref: null, value: boss2.id }] })),
      ),
    ).toMatchObject({ value: boss2.id });
    expect(
      await managerOf(await entra("PATCH", `/Users/${u.id}`, ops({ op: "Replace", path, value: boss.id }))),
    ).toMatchObject({ value: boss.id });
    expect(
      await managerOf(await entra("PATCH", `/Users/${u.id}`, ops({ op: "Replace", path, value: "" }))),
    ).toBeUndefined();
    await entra("PATCH", `/Users/${u.id}`, ops({ op: "Replace", path, value: { value: boss.id } }));
    expect(
      await managerOf(await entra("PATCH", `/Users/${u.id}`, ops({ op: "Replace", path, value: null }))),
    ).toBeUndefined();
    await entra("PATCH", `/Users/${u.id}`, ops({ op: "Replace", path, value: { value: boss.id } }));
    expect(await managerOf(await entra("PATCH", `/Users/${u.id}`, ops({ op: "Remove", path })))).toBeUndefined();
    // manager on create (bare id, as some Entra mappings send it) and in a pathless value.
    const v = await createEntraUser("report2.entra@contoso.com", { [ENTERPRISE]: { manager: boss.id } });
    expect((v as Record<string, { manager?: unknown }>)[ENTERPRISE]?.manager).toMatchObject({ value: boss.id });
    const pathless = await entra(
      "PATCH",
      `/Users/${v.id}`,
      ops({ op: "replace", value: { [`${ENTERPRISE}:manager`]: { value: boss2.id } } }),
    );
    expect(await managerOf(pathless)).toMatchObject({ value: boss2.id });
  });

  test('explicit null and "" clear attributes, by path and in pathless values', async () => {
    const u = await createEntraUser("clear.entra@contoso.com", {
      title: "T",
      nickName: "N",
      displayName: "D",
      locale: "en-US",
    });
    const x = await entra(
      "PATCH",
      `/Users/${u.id}`,
      ops(
        { op: "Replace", path: "title", value: null },
        { op: "Replace", path: "nickName", value: "" },
        { op: "Replace", value: { displayName: null, locale: "", "name.givenName": "" } },
      ),
    );
    expectResource(x, 200, USER_SCHEMA);
    for (const gone of ["title", "nickName", "displayName", "locale"])
      expect({ [gone]: x.body[gone] }).toEqual({ [gone]: undefined });
    expect(x.body.name).toEqual({ formatted: "Given Family", familyName: "Family" });
    expect(x.body.userName).toBe("clear.entra@contoso.com");
  });

  test("empty Operations is a no-op answered 200 with the user, not a 500", async () => {
    const u = await createEntraUser("empty.entra@contoso.com");
    const before = await getUser(u.id);
    const x = await entra("PATCH", `/Users/${u.id}`, ops());
    expectResource(x, 200, USER_SCHEMA);
    expect(x.body.meta.version).toBe(before.meta.version);
    const g = await entra("POST", "/Groups", { body: { schemas: [GROUP_SCHEMA], displayName: "Empty Ops" } });
    const gx = await entra("PATCH", `/Groups/${g.body.id}`, ops());
    expect(gx.status).toBe(204);
  });

  test("sloppy attribute-name case in bodies, paths and filters", async () => {
    const x = await entra("POST", "/Users", {
      body: {
        schemas: [USER_SCHEMA],
        UserName: "sloppy.entra@contoso.com",
        Active: "TRUE",
        Emails: [{ Primary: true, Type: "work", Value: "sloppy.entra@contoso.com" }],
        NAME: { GivenName: "Slo", familyname: "Ppy" },
      },
    });
    expectResource(x, 201, USER_SCHEMA);
    expect(x.body).toMatchObject({
      userName: "sloppy.entra@contoso.com",
      active: true,
      emails: [{ primary: true, type: "work", value: "sloppy.entra@contoso.com" }],
      name: { givenName: "Slo", familyName: "Ppy" },
    });
    const patched = await entra(
      "PATCH",
      `/Users/${x.body.id}`,
      ops(
        { op: "Replace", path: "DisplayName", value: "Sloppy" },
        { op: "Replace", path: 'EMAILS[TYPE eq "work"].VALUE', value: "sloppy2@contoso.com" },
      ),
    );
    expectResource(patched, 200, USER_SCHEMA);
    expect(patched.body.displayName).toBe("Sloppy");
    expect(patched.body.emails).toEqual([{ primary: true, type: "work", value: "sloppy2@contoso.com" }]);
    const found = await entra(
      "GET",
      `/Users?${filterQuery('DisplayName eq "sloppy" and USERNAME eq "SLOPPY.entra@contoso.com"')}`,
    );
    expectList(found, 1);
    expect(found.body.Resources[0].id).toBe(x.body.id);
  });
});

describe("Entra: groups", () => {
  let groupId: string;
  const members: string[] = [];

  beforeAll(async () => {
    for (const n of ["g1", "g2", "g3", "g4"]) members.push((await createEntraUser(`${n}.member.entra@contoso.com`)).id);
  });

  test("create without members, with an extra Microsoft schema URN: 201", async () => {
    const externalId = randomUUID();
    const x = await entra("POST", "/Groups", {
      body: {
        schemas: [GROUP_SCHEMA, MS_GROUP_SCHEMA],
        externalId,
        displayName: "Entra Group",
        meta: { resourceType: "Group" },
      },
    });
    expectResource(x, 201, GROUP_SCHEMA);
    expect(x.body).toMatchObject({ displayName: "Entra Group", externalId });
    expect(x.body.schemas).toEqual([GROUP_SCHEMA]);
    expect(x.body.members ?? []).toEqual([]);
    groupId = x.body.id;
  });

  test("GET /Groups/{id}?excludedAttributes=members and the displayName lookup", async () => {
    const x = await entra("GET", `/Groups/${groupId}?excludedAttributes=members`);
    expectResource(x, 200, GROUP_SCHEMA);
    expect(x.body.members).toBeUndefined();
    expect(x.body.displayName).toBe("Entra Group");
    const found = await entra(
      "GET",
      `/Groups?excludedAttributes=members&${filterQuery('displayName eq "Entra Group"')}`,
    );
    expectList(found, 1);
    expect(found.body.Resources[0].members).toBeUndefined();
    const sloppy = await entra(
      "GET",
      `/Groups?excludedAttributes=members&${filterQuery('DisplayName eq "entra group"')}`,
    );
    expectList(sloppy, 1);
  });

  test("Replace displayName answers 204", async () => {
    const x = await entra(
      "PATCH",
      `/Groups/${groupId}`,
      ops({ op: "Replace", path: "displayName", value: "Entra Group Renamed" }),
    );
    expect(x.status).toBe(204);
    expect(x.text).toBe("");
    expect((await entra("GET", `/Groups/${groupId}`)).body.displayName).toBe("Entra Group Renamed");
  });

  test('Add several members per op, with "$ref": null: 204', async () => {
    const x = await entra(
      "PATCH",
      `/Groups/${groupId}`,
      ops({
        op: "Add",
        path: "members",
        value: members.map((value) => ({ $ref: null, value })),
      }),
    );
    expect(x.status).toBe(204);
    const g = await entra("GET", `/Groups/${groupId}`);
    expect(g.body.members.map((m: { value: string }) => m.value).sort()).toEqual([...members].sort());
  });

  test("Remove members with a value list removes only those, never wipes the group", async () => {
    const x = await entra(
      "PATCH",
      `/Groups/${groupId}`,
      ops({
        op: "Remove",
        path: "members",
        value: [{ $ref: null, value: members[0] }, { value: members[2] }],
      }),
    );
    expect(x.status).toBe(204);
    const g = await entra("GET", `/Groups/${groupId}`);
    expect(g.body.members.map((m: { value: string }) => m.value).sort()).toEqual([members[1], members[3]].sort());
  });

  test("lower-case ops and a Remove of an absent member are fine too", async () => {
    const x = await entra(
      "PATCH",
      `/Groups/${groupId}`,
      ops(
        { op: "add", path: "members", value: [{ value: members[0] }] },
        { op: "remove", path: "members", value: [{ value: members[2] }] },
      ),
    );
    expect(x.status).toBe(204);
    const g = await entra("GET", `/Groups/${groupId}`);
    expect(g.body.members.map((m: { value: string }) => m.value).sort()).toEqual(
      [members[0], members[1], members[3]].sort(),
    );
  });

  test("memberships survive a member's deactivation", async () => {
    const off = await entra("PATCH", `/Users/${members[1]}`, ops({ op: "Replace", path: "active", value: "False" }));
    expect(off.body.active).toBe(false);
    const g = await entra("GET", `/Groups/${groupId}`);
    expect(g.body.members.map((m: { value: string }) => m.value)).toContain(members[1]);
    // members holds the four users created in beforeAll.
    expect((await getUser(members[1]!)).groups).toEqual([expect.objectContaining({ value: groupId })]);
  });

  test("filter groups by member, the way Entra checks membership", async () => {
    const x = await entra(
      "GET",
      `/Groups?excludedAttributes=members&${filterQuery(`id eq "${groupId}" and members.value eq "${members[3]}"`)}`,
    );
    expectList(x, 1);
    const none = await entra(
      "GET",
      `/Groups?excludedAttributes=members&${filterQuery(`id eq "${groupId}" and members.value eq "${members[2]}"`)}`,
    );
    expectList(none, 0);
  });

  test("DELETE the group: 204, then 404", async () => {
    const x = await entra("DELETE", `/Groups/${groupId}`);
    expect(x.status).toBe(204);
    expectScimError(await entra("GET", `/Groups/${groupId}`), 404);
    expect((await getUser(members[0]!)).groups).toEqual([]);
  });

  test("responses carry the SCIM content type Entra's validator checks", async () => {
    const x = await entra("GET", "/Groups");
    expect(x.headers.get("content-type")).toBe(SCIM_CONTENT_TYPE);
  });
});

describe("Entra: throughput and back-off", () => {
  test("the default limits take Entra's 25 requests/s for a whole window (250 at once) without a 429", async () => {
    const fresh = await liveServer();
    try {
      const answers = await Promise.all(
        Array.from({ length: 250 }, () =>
          fresh.call("GET", `/Users?${FLAG}&${filterQuery(`userName eq "${randomUUID()}"`)}`),
        ),
      );
      expect(answers.filter((x) => x.status !== 200).map((x) => x.status)).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  test("over the limit: 429 in the SCIM format with Retry-After; after waiting, the retry succeeds", async () => {
    // Only the clock is fake, so the four requests share one window however slow the machine,
    // and "waiting" is moving the clock; sockets and timers stay real.
    jest.useFakeTimers({
      doNotFake: [
        "hrtime",
        "nextTick",
        "performance",
        "queueMicrotask",
        "setImmediate",
        "clearImmediate",
        "setInterval",
        "clearInterval",
        "setTimeout",
        "clearTimeout",
      ],
    });
    const tight = await liveServer({ rateLimit: { windowMs: 1000, perTenant: 3 } });
    try {
      for (let i = 0; i < 3; i++) expectList(await tight.call("GET", `/Users?${FLAG}`));
      const refused = await tight.call("GET", `/Users?${FLAG}`);
      expectScimError(refused, 429);
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(1);
      jest.setSystemTime(Date.now() + retryAfter * 1000);
      expectList(await tight.call("GET", `/Users?${FLAG}`));
    } finally {
      jest.useRealTimers();
      await tight.close();
    }
  });
});
