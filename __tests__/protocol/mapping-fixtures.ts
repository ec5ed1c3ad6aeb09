/** Mappings and client bodies shared by the mapping-*.test.ts suites. */
import type { MappingPair } from "../../lib/mapping/types";
import { ENTERPRISE_USER_SCHEMA as ENT } from "../../lib/schema/urns";

export { ENT };

/** Auth0's "Additional Mappings" examples (clients.md), with userName kept apart from email. */
export const auth0Pairs: MappingPair[] = [
  { scim: "userName", app: "username" },
  { scim: "emails[primary eq true].value", app: "email" },
  { scim: "active", app: "blocked", invert: true },
  { scim: `${ENT}:employeeNumber`, app: "profile.employeeId" },
];

/**
 * A host `users` table with its own column names, covering Okta's and Entra's default attribute
 * sets: userName, name, displayName, the work email (primary), work and mobile phones, the work
 * address (kept whole in a JSON column), title, active, externalId and the enterprise extension.
 */
export const hostPairs: MappingPair[] = [
  { scim: "userName", app: "login" },
  { scim: "externalId", app: "idp_subject" },
  { scim: "name.givenName", app: "first_name" },
  { scim: "name.familyName", app: "last_name" },
  { scim: "name.formatted", app: "full_name" },
  { scim: "displayName", app: "display_name" },
  { scim: "title", app: "job_title" },
  { scim: "locale", app: "locale" },
  { scim: "preferredLanguage", app: "language" },
  { scim: "active", app: "disabled", invert: true },
  { scim: 'emails[type eq "work" and primary eq true].value', app: "email" },
  { scim: 'phoneNumbers[type eq "work"].value', app: "phone" },
  { scim: 'phoneNumbers[type eq "mobile"].value', app: "mobile" },
  { scim: 'addresses[type eq "work"]', app: "office" },
  { scim: `${ENT}:employeeNumber`, app: "hr.employee_no" },
  { scim: `${ENT}:department`, app: "hr.department" },
  { scim: `${ENT}:manager.value`, app: "hr.manager_id" },
];

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

export function typeError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof TypeError) return e.message;
    throw e;
  }
  throw new Error("expected a TypeError");
}
