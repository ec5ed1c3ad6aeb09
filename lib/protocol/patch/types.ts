/** RFC 7644 3.5.2: the shapes the PATCH engine reads and produces. */
import type { FilterLimits, PatchPath } from "../filter/ast";
import type { Member } from "../../schema/types";
import type { Tolerances } from "../../profiles/tolerances";

/** A PATCH operation's `op`, lower-cased. */
export type PatchOpName = "add" | "remove" | "replace";

/** One validated entry of a PatchOp's `Operations`. */
export interface PatchOperation {
  op: PatchOpName;
  path?: PatchPath;
  /** As the client sent it; coerced by schema when applied. Absent only for `remove`. */
  value?: unknown;
}

/**
 * A change to a group's member list. Member operations never touch the resource: a group of
 * 200,000 members is never loaded to add one (design.md), so they leave the engine as deltas.
 */
export type MemberDelta =
  | { kind: "add"; members: Member[] }
  | { kind: "remove"; ids: string[] }
  | { kind: "replace"; members: Member[] };

/** The ordered deltas folded into one change; `add` and `remove` never share an id. */
export interface NetMemberChange {
  /** When set, the member list becomes exactly this (and `add`/`remove` are empty). */
  replace?: Member[];
  add: Member[];
  remove: string[];
}

export interface PatchRequestOptions {
  /** Operations accepted in one PatchOp; more is 400 tooMany. Default 1000. */
  maxOperations?: number;
  /** Told about tolerated irregularities (a missing PatchOp schema), for the host's logger. */
  warn?: (message: string) => void;
  /** Limits on each `path` (the router's `limits.filter`). Default FILTER_LIMIT_DEFAULTS. */
  filter?: FilterLimits;
  /** The client quirks this request may use (docs/clients.md). Default: every one. */
  tolerate?: Tolerances;
}

export interface ApplyPatchOptions {
  /** The attribute whose operations become member deltas. Default "members", when the type has it. */
  membersAttribute?: string;
  /** Unknown extension URNs in pathless values: 400 invalidValue instead of being ignored. */
  strictExtensions?: boolean;
  /** Limits on the keys of pathless values that are paths (`emails[type eq "work"].value`). */
  filter?: FilterLimits;
  /** The client quirks this request may use (docs/clients.md). Default: every one. */
  tolerate?: Tolerances;
}

export interface PatchResult {
  /** The new resource, normalised; the input is never modified. */
  resource: Record<string, unknown>;
  /** Member changes in request order (groups only). */
  members: MemberDelta[];
  /** Top-level attributes whose value changed; extension ones as `urn:...:User:manager`. */
  changed: string[];
}
