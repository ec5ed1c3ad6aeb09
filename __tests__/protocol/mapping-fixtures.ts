/** Mappings shared by the mapping-*.test.ts suites (the client bodies are in __tests__/helpers/fixtures.ts). */
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

export function typeError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof TypeError) return e.message;
    throw e;
  }
  throw new Error("expected a TypeError");
}
