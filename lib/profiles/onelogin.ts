/** OneLogin's "SCIM Provisioner with SAML" apps (Core Schema and SCIM v2 Enterprise templates). */
import { profile } from "./types";

const TEMPLATES = "OneLogin's SCIM JSON templates as its app catalogue ships them (e.g. the scim.dev OneLogin guide)";

export const onelogin = profile(
  "onelogin",
  [
    {
      tolerance: "looseSchemas",
      does: "The Core Schema template names a pre-RFC URN in `schemas` (`urn:scim:schemas:core:1.0`, `urn:scim:schemas:core:2.0`), not `urn:ietf:params:scim:schemas:core:2.0:User`.",
      source: TEMPLATES,
    },
    {
      tolerance: "booleanStrings",
      does: 'The templates write `"active": "{$user.active}"`: the boolean arrives as the string `"true"` or `"false"`.',
      source: TEMPLATES,
    },
    {
      tolerance: "noUserAgent",
      does: "Sends requests with an empty User-Agent header.",
      source: "Observed in request logs; the IdP is then told by its token's label (lib/request-log/idp.ts)",
    },
  ],
  { users: 200, groups: 204 },
);
