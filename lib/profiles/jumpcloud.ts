/** JumpCloud's SCIM provisioning (Identity Management "SCIM 2.0" connector). */
import { profile } from "./types";

export const jumpcloud = profile(
  "jumpcloud",
  [
    {
      does: 'Repeats `{"op": "add", "path": "members", "value": [...]}` for members the group already has: RFC 7644 3.5.2.1 says "no changes SHOULD be made", so the version, ETag and events stay as they were.',
      source: 'Observed; JumpCloud Help Center, "Configure SCIM" (group sync re-sends memberships)',
    },
  ],
  { users: 200, groups: 204 },
);
