/** examples/multi-tenant, started as its README says, answered over real HTTP. */
import { provisionUserAndGroup, scimRequest, startExample, type RunningExample } from "./start-example";
import { GROUP_SCHEMA, PATCH_OP } from "../helpers/fixtures";

const ACME = "acme-example-token-0123456789";
const GLOBEX = "globex-example-token-012345678";

describe("examples/multi-tenant", () => {
  let example: RunningExample;
  beforeAll(async () => {
    example = await startExample("multi-tenant", {
      TENANTS: "acme,globex",
      SCIM_TOKEN_ACME: ACME,
      SCIM_TOKEN_GLOBEX: GLOBEX,
    });
  });
  afterAll(() => example?.stop());

  test("each tenant provisions a user and a group at its own /scim/v2/<tenant>", async () => {
    const acme = `${example.base}/scim/v2/acme`;
    const { userId, groupId } = await provisionUserAndGroup(acme, ACME, "ada@acme.example", "Engineering");
    const user = await scimRequest(`${acme}/Users/${userId}`, ACME);
    expect(user.body.meta).toMatchObject({ location: `${acme}/Users/${userId}` });
    // The same names live in the other tenant without clashing.
    const globex = `${example.base}/scim/v2/globex`;
    await provisionUserAndGroup(globex, GLOBEX, "ada@acme.example", "Engineering");
    // Okta-style membership PATCH on acme's group.
    const second = await scimRequest(`${acme}/Users`, ACME, "POST", { userName: "grace@acme.example" });
    const patched = await scimRequest(`${acme}/Groups/${groupId}`, ACME, "PATCH", {
      schemas: [PATCH_OP],
      Operations: [{ op: "add", path: "members", value: [{ value: second.body.id }] }],
    });
    expect(patched.status).toBe(204);
    const members = await scimRequest(`${acme}/Groups/${groupId}`, ACME);
    expect((members.body.members as unknown[]).length).toBe(2);
  });

  test("tenant A's token gets 401 on tenant B, exactly like an unknown token", async () => {
    const onB = await scimRequest(`${example.base}/scim/v2/globex/Users`, ACME);
    const unknown = await scimRequest(`${example.base}/scim/v2/globex/Users`, "not-a-token-of-anyone-000");
    expect(onB.status).toBe(401);
    expect(onB.headers.get("www-authenticate")).toBe('Bearer realm="SCIM", error="invalid_token"');
    expect(onB.body).toEqual(unknown.body);
    // Nor can it write there, or reach a tenant that does not exist.
    expect(
      (
        await scimRequest(`${example.base}/scim/v2/globex/Groups`, ACME, "POST", {
          schemas: [GROUP_SCHEMA],
          displayName: "Intruders",
        })
      ).status,
    ).toBe(401);
    expect((await scimRequest(`${example.base}/scim/v2/initech/Users`, ACME)).status).toBe(401);
    // B's own list holds only what B created.
    const list = await scimRequest(`${example.base}/scim/v2/globex/Groups`, GLOBEX);
    expect((list.body.Resources as { displayName: string }[]).map((g) => g.displayName)).toEqual(["Engineering"]);
  });

  test("without SCIM_TOKEN_<NAME> each tenant gets a generated token, printed once", async () => {
    const other = await startExample("multi-tenant", {
      TENANTS: "north,south",
      SCIM_TOKEN_NORTH: "",
      SCIM_TOKEN_SOUTH: "",
    });
    try {
      await other.printed(/Tenant north: .*\n/);
      const token = /Tenant north: \S+\s+token: (\S+)/.exec(other.output())?.[1];
      expect(token).toMatch(/^scim_/);
      expect((await scimRequest(`${other.base}/scim/v2/north/ServiceProviderConfig`, token!)).status).toBe(200);
      expect((await scimRequest(`${other.base}/scim/v2/south/ServiceProviderConfig`, token!)).status).toBe(401);
    } finally {
      await other.stop();
    }
  });
});
