/**
 * The one home of the test fixtures every HTTP suite shares: the all-scopes token, the URNs,
 * what Okta sends, PATCH bodies, and what a SCIM client may rely on in an error answer. The
 * hosts that serve them are __tests__/http/app.ts (supertest, and a listening server for the
 * replays), __tests__/proof/harness.ts (node:http byte for byte) and
 * __tests__/examples/start-example.ts (an example as a child process).
 */
import { SCIM_CONTENT_TYPE } from "../../lib/http/respond";
import { ERROR_SCHEMA } from "../../lib/protocol/errors";
import { ENTERPRISE_USER_SCHEMA as ENT } from "../../lib/schema/urns";

export { SCIM_CONTENT_TYPE } from "../../lib/http/respond";
export { ERROR_SCHEMA } from "../../lib/protocol/errors";
export {
  ENTERPRISE_USER_SCHEMA as ENTERPRISE,
  GROUP_SCHEMA,
  PATCH_OP_SCHEMA as PATCH_OP,
  USER_SCHEMA,
} from "../../lib/schema/urns";

export const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/** The token the test hosts accept, with every scope. */
export const TOKEN = "test-token-with-every-scope-0001";

/** Okta's create-user body and PATCH bodies: one home with the shipped sequences `express-scim check` replays. */
export { oktaUser, patchBody } from "../../lib/cli/check/sequences/okta-bodies";

/** Okta's create body (SCIM 2.0 template app, default profile mappings). */
export const oktaCreate = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENT],
  userName: "isabell.ross@example.com",
  name: { givenName: "Isabell", familyName: "Ross" },
  emails: [{ primary: true, value: "isabell.ross@example.com", type: "work" }],
  displayName: "Isabell Ross",
  locale: "en-US",
  externalId: "00u1b2c3d4",
  groups: [],
  password: "placeholder-1",
  active: true,
  title: "Engineer",
  phoneNumbers: [{ value: "+1 555 0100", type: "mobile" }],
  addresses: [
    {
      type: "work",
      streetAddress: "1 Main St",
      locality: "Springfield",
      region: "IL",
      postalCode: "62701",
      country: "US",
      primary: true,
    },
  ],
  [ENT]: { employeeNumber: "4242", department: "R&D", manager: { value: "00u9" } },
};

/** Entra's create body with its default attribute mappings (booleans as strings, as Entra sends them). */
export const entraCreate = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENT],
  externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
  userName: "Test_User@contoso.com",
  active: "True",
  displayName: "Test User",
  title: "Tester",
  preferredLanguage: "en-GB",
  emails: [{ primary: true, type: "work", value: "Test_User@contoso.com" }],
  meta: { resourceType: "User" },
  name: { formatted: "Test User", familyName: "User", givenName: "Test" },
  phoneNumbers: [
    { type: "work", value: "+44 20 7946 0000" },
    { type: "mobile", value: "+44 7700 900000" },
  ],
  addresses: [
    {
      type: "work",
      formatted: "1 Bank St, London",
      streetAddress: "1 Bank St",
      locality: "London",
      postalCode: "E14",
      country: "GB",
    },
  ],
  roles: [],
  [ENT]: { employeeNumber: "701984", department: "Tour Operations", manager: "26118915" },
};

/** An answer as any of the hosts returns it: supertest's, node:http's or fetch's. */
export interface AnyAnswer {
  status: number;
  headers: Headers | Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: a parsed JSON body, read field by field below.
  body: any;
  text?: string;
}

/** What a SCIM client may rely on in an error answer; returns the problems found (none = fine). */
export function scimErrorProblems(res: AnyAnswer): string[] {
  const problems: string[] = [];
  const type = res.headers instanceof Headers ? res.headers.get("content-type") : res.headers["content-type"];
  if (type !== SCIM_CONTENT_TYPE) problems.push(`content-type ${String(type)}`);
  const b = res.body;
  if (!b || typeof b !== "object") return [...problems, `body is not JSON: ${String(res.text).slice(0, 120)}`];
  if (JSON.stringify(b.schemas) !== JSON.stringify([ERROR_SCHEMA]))
    problems.push(`schemas ${JSON.stringify(b.schemas)}`);
  if (b.status !== String(res.status)) problems.push(`status ${JSON.stringify(b.status)} for HTTP ${res.status}`);
  if (typeof b.detail !== "string" || b.detail.trim() === "") problems.push(`detail ${JSON.stringify(b.detail)}`);
  return problems;
}

/** A SCIM error as clients read it: the status (and scimType) asked for, and nothing a client relies on missing. */
export function expectScimError(res: AnyAnswer, status?: number, scimType?: string): void {
  if (status !== undefined) expect({ status: res.status, text: res.text }).toMatchObject({ status });
  expect(scimErrorProblems(res)).toEqual([]);
  if (scimType) expect(res.body.scimType).toBe(scimType);
}
