/** Microsoft Entra ID's provisioning service (the `scim` job, with and without `?aadOptscim062020`). */
import { profile } from "./types";

const KNOWN_ISSUES =
  'Microsoft Learn, "Known issues and resolutions with SCIM 2.0 protocol compliance of the Microsoft Entra user provisioning service"';
const SCIM_GUIDE =
  'Microsoft Learn, "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID"';

export const entra = profile(
  "entra",
  [
    {
      tolerance: "capitalisedOps",
      does: 'Sends `"op": "Replace"`, `"Add"`, `"Remove"` unless the `?aadOptscim062020` flag is set; on-demand provisioning ignores the flag.',
      source: KNOWN_ISSUES,
    },
    {
      tolerance: "booleanStrings",
      does: 'Sends booleans as strings in any case: `"active": "False"` in PATCH values, `"True"` even on POST.',
      source: KNOWN_ISSUES,
    },
    {
      tolerance: "pathKeysInValue",
      does: 'Writes pathless PATCH values with dotted and URN-qualified keys: `{"name.givenName": "x"}`, `{"urn:...:enterprise:2.0:User:employeeNumber": "1"}`.',
      source: KNOWN_ISSUES,
    },
    {
      tolerance: "bareComplexValues",
      does: "Sends `manager` as a bare id string in POST and PUT bodies and in PATCH values.",
      source: SCIM_GUIDE,
    },
    {
      tolerance: "listForSingleValue",
      does: 'Sends `manager` as `[{"value": "id", "$ref": null}]`, a list of one for a single value.',
      source: SCIM_GUIDE,
    },
    {
      tolerance: "filterCreatesValue",
      does: '`add` or `replace` on `emails[type eq "work"].value` for a user without a work email, expecting it created.',
      source: SCIM_GUIDE,
    },
    {
      tolerance: "removeWithValue",
      does: '`{"op": "Remove", "path": "members", "value": [{"value": "id"}]}` meaning "remove only these members".',
      source: SCIM_GUIDE,
    },
    {
      tolerance: "emptyOperations",
      does: 'Sends a PatchOp with `"Operations": []` when nothing mapped changed.',
      source: "Observed; clients.md (Entra: empty Operations must not 500)",
    },
    {
      does: 'Re-sends `{"op": "Replace", "path": "active", "value": "True"}` every cycle: a no-op that must keep the version and ETag.',
      source: SCIM_GUIDE,
    },
    {
      does: "Prefers 204 No Content for a group PATCH; reads the user back from a user PATCH's 200.",
      source: SCIM_GUIDE,
    },
  ],
  { users: 200, groups: 204 },
);
