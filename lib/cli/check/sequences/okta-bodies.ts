/** What Okta sends (clients.md, Okta): its create-user body, and PATCH bodies. */
import { PATCH_OP_SCHEMA, USER_SCHEMA } from "../../../schema/urns";

/** Okta's create-user body: placeholder password, readOnly `groups`, `active`. */
export function oktaUser(userName: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: "Ada", familyName: "Lovelace" },
    emails: [{ primary: true, value: userName, type: "work" }],
    displayName: "Ada Lovelace",
    locale: "en-US",
    externalId: `00u${userName.length}abc`,
    groups: [],
    password: "tempP@ss123",
    active: true,
    ...extra,
  };
}

/** A PatchOp request body (RFC 7644 3.5.2). */
export const patchBody = (...Operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations });
