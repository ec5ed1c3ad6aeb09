/** Shared by the patch-*.test.ts files: build ops from raw PatchOp shapes. */
import { applyPatch, parsePatchRequest } from "../../lib/protocol/patch";
import { groupResourceType, userResourceType } from "../../lib/schema/core";
import { PATCH_OP_SCHEMA } from "../../lib/schema/urns";

export const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

export const patchOp = (...Operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations });

export function patchUser(resource: Record<string, unknown>, ...ops: unknown[]) {
  return applyPatch(userResourceType, resource, parsePatchRequest(patchOp(...ops)));
}

export function patchGroup(resource: Record<string, unknown>, ...ops: unknown[]) {
  return applyPatch(groupResourceType, resource, parsePatchRequest(patchOp(...ops)));
}

/** A stored user as the service would hand it over. */
export const barbara = () => ({
  id: "2819c223",
  userName: "bjensen",
  name: { givenName: "Barbara", familyName: "Jensen" },
  displayName: "Babs",
  active: true,
  emails: [
    { value: "bjensen@example.com", type: "work", primary: true },
    { value: "babs@jensen.org", type: "home" },
  ],
  [ENT]: { employeeNumber: "701984", manager: { value: "26118915", displayName: "John Smith" } },
  meta: {
    resourceType: "User",
    created: "2010-01-23T04:56:22Z",
    lastModified: "2011-05-13T04:42:34Z",
    version: 'W/"a330bc54f0671c9"',
  },
});
