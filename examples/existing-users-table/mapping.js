// @ts-check
/**
 * SCIM attributes -> the host's column names. Together these cover Okta's default attribute set
 * (SCIM 2.0 template app) and Microsoft Entra ID's default attribute mappings. Each `app` is a
 * column of app_users / app_teams (schema.sql); store.js writes each one to its column.
 */

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/** @type {import("express-scim").MappingPair[]} */
const users = [
  { scim: "userName", app: "login" },
  { scim: "externalId", app: "idp_subject" }, // Entra matches users on it
  { scim: "name.givenName", app: "first_name" },
  { scim: "name.familyName", app: "last_name" },
  { scim: "name.formatted", app: "full_name" }, // Entra
  { scim: "displayName", app: "display_name" },
  { scim: "title", app: "job_title" },
  { scim: "locale", app: "locale" }, // Okta
  { scim: "preferredLanguage", app: "preferred_language" }, // Entra
  { scim: "active", app: "disabled", invert: true },
  // Both clients send the work email as the primary one; Entra's PATCH may leave `primary` out,
  // and the mapping still finds it (docs/mapping.md, "Missing primary").
  { scim: 'emails[type eq "work" and primary eq true].value', app: "email" },
  { scim: 'phoneNumbers[type eq "work"].value', app: "work_phone" },
  { scim: 'phoneNumbers[type eq "mobile"].value', app: "mobile_phone" },
  // The work address is kept whole, in a jsonb column: Okta sends `primary`, Entra `formatted`.
  { scim: 'addresses[type eq "work"]', app: "office" },
  { scim: `${ENT}:employeeNumber`, app: "employee_no" },
  { scim: `${ENT}:department`, app: "department" },
  { scim: `${ENT}:manager.value`, app: "manager_id" },
];

/** @type {import("express-scim").MappingPair[]} */
const groups = [
  { scim: "displayName", app: "name" },
  { scim: "externalId", app: "idp_group_id" },
];

module.exports = { users, groups, ENT };
