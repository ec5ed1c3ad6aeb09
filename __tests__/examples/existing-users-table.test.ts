/**
 * examples/existing-users-table, started as its README says (a child process loading the built
 * package by name), provisioned over HTTP with Okta's and Entra's default create bodies, and then
 * checked where the host looks: its own tables, read directly with `pg`, under its own column names.
 */
import { randomBytes } from "node:crypto";
import { Pool } from "pg";
import { ENT } from "../protocol/mapping-fixtures";
import { scimRequest, startExample, type RunningExample } from "./start-example";
import { entraCreate, GROUP_SCHEMA as GROUP, oktaCreate, PATCH_OP, USER_SCHEMA as USER } from "../helpers/fixtures";

const DATABASE_URL = process.env.DATABASE_URL;

type Json = Record<string, any>;

/** Okta's create body, with a login of its own so that every test has its own user. */
function okta(tag: string): Json {
  const userName = `${tag}.${oktaCreate.userName}`;
  return { ...oktaCreate, userName, externalId: `00u-${tag}`, emails: [{ ...oktaCreate.emails[0], value: userName }] };
}
/** Entra's create body ("active": "True" and all), likewise. */
function entra(tag: string): Json {
  const userName = `${tag}_${entraCreate.userName}`;
  return {
    ...entraCreate,
    userName,
    externalId: `${tag}-${entraCreate.externalId}`,
    emails: [{ ...entraCreate.emails[0], value: userName }],
  };
}

// It provisions into PostgreSQL: skipped without DATABASE_URL (`npm test` lists what it skipped, once).
const describeWithDb = DATABASE_URL ? describe : describe.skip;

describeWithDb("examples/existing-users-table", () => {
  const schema = `eut_example_${randomBytes(6).toString("hex")}`;
  const token = `example-existing-users-${randomBytes(8).toString("hex")}`;
  let example: RunningExample | undefined;
  let db: Pool;

  beforeAll(async () => {
    db = new Pool({ connectionString: DATABASE_URL });
    example = await startExample("existing-users-table", {
      DATABASE_URL: DATABASE_URL!,
      APP_SCHEMA: schema,
      SCIM_TOKEN: token,
    });
  });

  afterAll(async () => {
    await example?.stop();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  });

  const call = async (method: string, p: string, body?: unknown) => {
    const { status, body: answer } = await scimRequest(`${example!.base}/scim/v2${p}`, token, method, body);
    return { status, body: answer as Json };
  };
  const create = async (p: string, body: unknown): Promise<string> => {
    const res = await call("POST", p, body);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const filter = (f: string) => `/Users?filter=${encodeURIComponent(f)}`;
  const ids = async (f: string) => ((await call("GET", filter(f))).body.Resources as Json[]).map((r) => r.id);
  /** The host's own row, as the host's code would read it. */
  const row = async (table: string, id: string) =>
    (await db.query(`SELECT * FROM "${schema}".${table} WHERE id = $1`, [id])).rows[0];

  test("Okta's create lands in the host's own columns, and reads back as what Okta sent", async () => {
    const body = okta("okta1");
    const id = await create("/Users", body);
    const { created_at, updated_at, ...stored } = await row("app_users", id);
    expect(created_at).toBeInstanceOf(Date);
    expect(updated_at).toBeInstanceOf(Date);
    expect(stored).toEqual({
      id,
      tenant: "default",
      login: body.userName,
      first_name: "Isabell",
      last_name: "Ross",
      full_name: null,
      display_name: "Isabell Ross",
      email: body.userName,
      work_phone: null,
      mobile_phone: "+1 555 0100",
      office: oktaCreate.addresses[0],
      job_title: "Engineer",
      locale: "en-US",
      preferred_language: null,
      disabled: false,
      idp_subject: body.externalId,
      employee_no: "4242",
      department: "R&D",
      manager_id: "00u9",
      password_hash: null, // Okta's password is never stored
      extra: {},
      version: 1,
    });
    const view = (await call("GET", `/Users/${id}`)).body;
    expect(view).toEqual({
      schemas: [USER, ENT],
      id,
      userName: body.userName,
      externalId: body.externalId,
      name: { givenName: "Isabell", familyName: "Ross" },
      displayName: "Isabell Ross",
      title: "Engineer",
      locale: "en-US",
      active: true,
      emails: [{ type: "work", primary: true, value: body.userName }],
      phoneNumbers: [{ type: "mobile", value: "+1 555 0100" }],
      addresses: [oktaCreate.addresses[0]],
      [ENT]: { employeeNumber: "4242", department: "R&D", manager: { value: "00u9" } },
      groups: [],
      meta: expect.objectContaining({ resourceType: "User", version: 'W/"1"' }),
    });
    // Okta re-sends the whole user on PUT, id, meta and groups included: nothing changes, so
    // nothing is written (no-op writes keep the version).
    expect((await call("PUT", `/Users/${id}`, view)).status).toBe(200);
    const { created_at: _c, updated_at: _u, version, ...again } = await row("app_users", id);
    expect(again).toEqual(Object.fromEntries(Object.entries(stored).filter(([k]) => k !== "version")));
    expect(version).toBe(1);
  });

  test("Entra's create (booleans as strings, manager as a string) round-trips the same way", async () => {
    const body = entra("entra1");
    const id = await create("/Users", body);
    expect(await row("app_users", id)).toMatchObject({
      login: body.userName,
      idp_subject: body.externalId,
      first_name: "Test",
      last_name: "User",
      full_name: "Test User",
      display_name: "Test User",
      job_title: "Tester",
      preferred_language: "en-GB",
      disabled: false,
      email: body.userName,
      work_phone: "+44 20 7946 0000",
      mobile_phone: "+44 7700 900000",
      office: entraCreate.addresses[0],
      employee_no: "701984",
      department: "Tour Operations",
      manager_id: "26118915",
      locale: null,
      extra: {},
    });
    const { meta, ...view } = (await call("GET", `/Users/${id}`)).body;
    expect(meta.resourceType).toBe("User");
    expect(view).toEqual({
      schemas: [USER, ENT],
      id,
      userName: body.userName,
      externalId: body.externalId,
      active: true,
      displayName: "Test User",
      title: "Tester",
      preferredLanguage: "en-GB",
      emails: [{ primary: true, type: "work", value: body.userName }],
      name: { formatted: "Test User", familyName: "User", givenName: "Test" },
      phoneNumbers: entraCreate.phoneNumbers,
      addresses: entraCreate.addresses,
      [ENT]: { employeeNumber: "701984", department: "Tour Operations", manager: { value: "26118915" } },
      groups: [],
    });
  });

  test("clients' lookups are SQL on the host's columns; an unmapped attribute is a clear 400", async () => {
    const o = okta("find");
    const e = entra("find");
    const [oktaId, entraId] = [await create("/Users", o), await create("/Users", e)];
    expect(await ids(`userName eq "${o.userName.toUpperCase()}"`)).toEqual([oktaId]);
    expect(await ids(`emails[type eq "work"].value eq "${e.userName}"`)).toEqual([entraId]);
    expect(await ids(`externalId eq "${e.externalId}"`)).toEqual([entraId]);
    expect(await ids(`externalId eq "${e.externalId.toUpperCase()}"`)).toEqual([]); // case-exact
    expect(await ids(`addresses[type eq "work"].locality eq "london" and userName sw "find_"`)).toEqual([entraId]);
    const unmapped = await call("GET", filter('nickName eq "x"'));
    expect(unmapped.status).toBe(400);
    expect(unmapped.body.scimType).toBe("invalidFilter");
    // The unique index on (tenant, lower(login)) answers a second create in another case.
    const clash = await call("POST", "/Users", { ...o, userName: o.userName.toUpperCase(), externalId: "other" });
    expect([clash.status, clash.body.scimType]).toEqual([409, "uniqueness"]);
  });

  test("deactivation sets the host's disabled column (Okta's pathless PATCH, Entra's \"False\")", async () => {
    const [oktaId, entraId] = [await create("/Users", okta("leaver")), await create("/Users", entra("leaver"))];
    const oktaPatch = { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: false } }] };
    const entraPatch = { schemas: [PATCH_OP], Operations: [{ op: "Replace", path: "active", value: "False" }] };
    expect((await call("PATCH", `/Users/${oktaId}`, oktaPatch)).status).toBe(200);
    expect((await call("PATCH", `/Users/${entraId}`, entraPatch)).status).toBe(200);
    expect((await row("app_users", oktaId)).disabled).toBe(true);
    expect((await row("app_users", entraId)).disabled).toBe(true);
    expect((await call("GET", `/Users/${oktaId}`)).body.active).toBe(false);
    expect((await ids('active eq false and userName sw "leaver"')).sort()).toEqual([oktaId, entraId].sort());
  });

  test("the app's own columns are its own: a SCIM PUT leaves password_hash alone", async () => {
    const body = okta("own");
    const id = await create("/Users", body);
    await db.query(`UPDATE "${schema}".app_users SET password_hash = 'argon2id$v=19$...' WHERE id = $1`, [id]);
    expect((await call("PUT", `/Users/${id}`, { schemas: [USER], userName: body.userName, title: "CTO" })).status).toBe(
      200,
    );
    expect(await row("app_users", id)).toMatchObject({
      password_hash: "argon2id$v=19$...",
      job_title: "CTO",
      first_name: null,
    });
  });

  test("a group push lands in the host's teams and team members", async () => {
    const [a, b] = [await create("/Users", okta("team")), await create("/Users", entra("team"))];
    const teamId = await create("/Groups", {
      schemas: [GROUP],
      displayName: "Engineering",
      externalId: "okta-grp-1",
      members: [{ value: a }],
    });
    expect(await row("app_teams", teamId)).toMatchObject({
      name: "Engineering",
      idp_group_id: "okta-grp-1",
      tenant: "default",
    });
    const members = async () =>
      (
        await db.query(`SELECT user_id FROM "${schema}".app_team_members WHERE team_id = $1 ORDER BY joined_at`, [
          teamId,
        ])
      ).rows.map((r) => r.user_id);
    expect(await members()).toEqual([a]);
    // Okta's push: a rename, an add and a `members[value eq "x"]` remove in one PATCH.
    const push = {
      schemas: [PATCH_OP],
      Operations: [
        { op: "replace", value: { id: teamId, displayName: "Engineering (all)" } },
        { op: "add", path: "members", value: [{ value: b, display: "Test User" }] },
        { op: "remove", path: `members[value eq "${a}"]` },
      ],
    };
    expect([204, 200]).toContain((await call("PATCH", `/Groups/${teamId}`, push)).status);
    expect(await members()).toEqual([b]);
    expect((await row("app_teams", teamId)).name).toBe("Engineering (all)");
    expect((await call("GET", `/Users/${b}`)).body.groups).toEqual([
      expect.objectContaining({ value: teamId, display: "Engineering (all)" }),
    ]);
    const group = (await call("GET", `/Groups/${teamId}`)).body;
    expect(group.members).toEqual([expect.objectContaining({ value: b, display: "Test User" })]);
    // Deleting the group deletes the team and its memberships; the users stay.
    expect((await call("DELETE", `/Groups/${teamId}`)).status).toBe(204);
    expect(await row("app_teams", teamId)).toBeUndefined();
    expect(await members()).toEqual([]);
    expect(await row("app_users", b)).toBeDefined();
  });
});
