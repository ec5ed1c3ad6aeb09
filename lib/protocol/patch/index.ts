/** RFC 7644 3.5.2 PATCH: parse a PatchOp, apply it to a resource, fold member deltas. Pure. */
export { parsePatchRequest } from "./request";
export { applyPatch } from "./apply";
export { netMemberChange, parseMembers } from "./members";
export type {
  ApplyPatchOptions,
  MemberDelta,
  NetMemberChange,
  PatchOperation,
  PatchOpName,
  PatchRequestOptions,
  PatchResult,
} from "./types";
