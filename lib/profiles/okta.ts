/** Okta: the custom SAML app and the "(OAuth Bearer Token) Governance with SCIM 2.0" template app. */
import { profile } from "./types";

const OKTA_GUIDE = 'Okta developer docs, "Build a SCIM provisioning integration" and its SCIM 2.0 SPEC and CRUD tests';

export const okta = profile(
  "okta",
  [
    {
      tolerance: "numbersForStrings",
      does: "Sends numbers and booleans for string custom attributes mapped from numeric profile fields.",
      source: "Observed; clients.md (Okta: custom attributes)",
    },
    {
      tolerance: "bareComplexValues",
      does: 'The template app\'s default `roles` is a list of plain strings: `"roles": ["admin"]`.',
      source: "Okta Governance with SCIM 2.0 template app; clients.md",
    },
    {
      tolerance: "pathKeysInValue",
      does: 'Writes extension attributes of a pathless PATCH value as URN-qualified keys: `{"urn:...:enterprise:2.0:User:department": "Ops"}`.',
      source: "Okta template app's custom attribute mappings; clients.md (custom attributes under an extension URN)",
    },
    {
      does: 'Deactivates with a pathless `{"op": "replace", "value": {"active": false}}`; clears a group with a pathless `{"op": "replace", "value": {"members": []}}`.',
      source: OKTA_GUIDE,
    },
    {
      does: "Sends memberships in POST and PUT: users carry `groups: []` (readOnly, ignored), custom SAML apps push whole groups with `members`.",
      source: OKTA_GUIDE,
    },
    {
      does: "PUTs the user it just read back, `id`, `meta` and `password` included: the same user again must keep its version and ETag.",
      source: OKTA_GUIDE,
    },
    {
      does: "Accepts 200 or 204 for a group PATCH.",
      source: OKTA_GUIDE,
    },
  ],
  { users: 200, groups: 204 },
);
