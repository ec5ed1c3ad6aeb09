/** examples/jwt-auth, started as its README says: JWT bearer tokens through `auth`, over real HTTP. */
import { createHmac } from "node:crypto";
import { provisionUserAndGroup, scimRequest, startExample, type RunningExample } from "./start-example";
import { PATCH_OP, USER_SCHEMA } from "../helpers/fixtures";

const SECRET = "jwt-example-test-secret-0123456789";
const ALL = ["get", "post", "put", "patch", "delete"].flatMap((v) => [`${v}:users`, `${v}:groups`]).join(" ");

/** Signed here, independently of the example, so the test checks interoperability, not itself. */
function sign(
  claims: Record<string, unknown>,
  secret = SECRET,
  header: Record<string, unknown> = { alg: "HS256", typ: "JWT" },
): string {
  const now = Math.floor(Date.now() / 1000);
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = enc(header);
  const body = enc({ iss: "https://auth.example.com/", aud: "scim", iat: now, exp: now + 600, ...claims });
  return `${head}.${body}.${createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url")}`;
}

describe("examples/jwt-auth", () => {
  let example: RunningExample;
  let scimBase: string;
  beforeAll(async () => {
    example = await startExample("jwt-auth", { JWT_SECRET: SECRET });
    scimBase = `${example.base}/scim/v2`;
  });
  afterAll(() => example?.stop());

  test("the demo token it prints provisions a user and a group, and is refused what its scopes lack", async () => {
    await example.printed(/Demo token.*\n/);
    const demo = /Demo token[^:]*: (\S+)/.exec(example.output())?.[1];
    expect(demo).toMatch(/^ey/);
    const { userId } = await provisionUserAndGroup(scimBase, demo!, "ada@example.com", "Engineering");
    const deactivated = await scimRequest(`${scimBase}/Users/${userId}`, demo!, "PATCH", {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", value: { active: false } }],
    });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);
    // The oktaTemplate preset has no delete:users.
    const denied = await scimRequest(`${scimBase}/Users/${userId}`, demo!, "DELETE");
    expect(denied.status).toBe(403);
    expect(denied.headers.get("www-authenticate")).toBe(
      'Bearer realm="SCIM", error="insufficient_scope", scope="delete:users"',
    );
  });

  test("tokens signed elsewhere with the same secret work; their tenant claim keeps tenants apart", async () => {
    const acme = sign({ sub: "acme-okta", scope: ALL, tenant: "acme" });
    const globex = sign({ sub: "globex-entra", scope: ALL, tenant: "globex" });
    const created = await scimRequest(`${scimBase}/Users`, acme, "POST", {
      schemas: [USER_SCHEMA],
      userName: "only-in-acme@example.com",
    });
    expect(created.status).toBe(201);
    expect((await scimRequest(`${scimBase}/Users/${created.body.id}`, acme)).status).toBe(200);
    expect((await scimRequest(`${scimBase}/Users/${created.body.id}`, globex)).status).toBe(404);
    expect((await scimRequest(`${scimBase}/Users/${created.body.id}`, globex, "DELETE")).status).toBe(404);
    expect((await scimRequest(`${scimBase}/Users/${created.body.id}`, acme, "DELETE")).status).toBe(204);
  });

  test("a bad signature, an expired token, alg none and a wrong audience are 401 invalid_token", async () => {
    const none = (() => {
      const t = sign({ scope: ALL }, SECRET, { alg: "none", typ: "JWT" }).split(".");
      return `${t[0]}.${t[1]}.`;
    })();
    for (const token of [
      sign({ scope: ALL }, "some-other-secret-000000000000"),
      sign({ scope: ALL, exp: Math.floor(Date.now() / 1000) - 5 }),
      sign({ scope: ALL, aud: "billing" }),
      sign({ scope: ALL, iss: "https://evil.example/" }),
      none,
      "not-a-jwt-at-all-0000000000",
    ]) {
      const res = await scimRequest(`${scimBase}/Users`, token);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="SCIM", error="invalid_token"');
    }
    const missing = await fetch(`${scimBase}/Users`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="SCIM"');
  });
});
