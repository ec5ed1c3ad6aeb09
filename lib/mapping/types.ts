/**
 * Declarative attribute mapping, in the style of Auth0's "Additional Mappings": each pair joins
 * one SCIM attribute path to one dotted path in the host's own record. See docs/mapping.md.
 */
import type { ResolvedFilter } from "../protocol/filter/ast";
import type { ResourceTypeDef, SchemaDef } from "../schema/types";
import type { AppRecord } from "../stores/types";
import type { SortSpec } from "../protocol/filter/ast";

/** Which way a mapping pair carries values: both ways, only to the app, or only to SCIM. */
export type MappingDirection = "both" | "toApp" | "toScim";

/** One SCIM attribute mapped onto one field of the app's record. */
export interface MappingPair {
  /**
   * A SCIM path: `userName`, `name.givenName`, `emails[type eq "work"].value`,
   * `addresses[primary eq true]` (a whole element), `urn:...:enterprise:2.0:User:employeeNumber`.
   * Value filters are selectors: `eq` comparisons on sub-attributes joined by `and`.
   */
  scim: string;
  /** A dotted path into the app record: `email`, `profile.employeeId`, `blocked`. */
  app: string;
  /** Boolean attributes only: the app stores the opposite (`active` <-> `blocked`). */
  invert?: boolean;
  /** Custom transform SCIM -> app, applied after `invert`. Returning undefined writes nothing. */
  toApp?: (value: unknown) => unknown;
  /** Custom transform app -> SCIM, applied before `invert`. Returning undefined shows nothing. */
  toScim?: (value: unknown) => unknown;
  /**
   * `both` (the default); `toScim`: app-owned, shown but never written from SCIM; `toApp`:
   * written into the app but never shown (nor filtered or sorted on).
   */
  direction?: MappingDirection;
}

export interface ResourceMapping {
  readonly identity: boolean;
  /** A normalised SCIM resource (without id, meta, schemas, groups, members, password) -> app record. */
  toRecord(resource: Record<string, unknown>): AppRecord;
  /** App record -> SCIM attributes (without id, meta, schemas). */
  fromRecord(record: AppRecord): Record<string, unknown>;
  /** The record to store when `written` (from toRecord) replaces `current`: identity takes `written` whole. */
  merge(current: AppRecord, written: AppRecord): AppRecord;
  /**
   * A resolved SCIM filter -> the same question about app records. `true` matches everything and
   * `false` nothing (constants are folded; no empty and/or is ever returned). A filter on an
   * unmapped or write-only attribute is ScimError 400 invalidFilter naming it.
   */
  mapFilter(filter: ResolvedFilter): ResolvedFilter | boolean;
  /** A SCIM sort key -> an app sort key; unmapped is ScimError 400 invalidValue, as resolveSort. */
  mapSort(sort: SortSpec): SortSpec;
  /** For unique keys: `["userName"]` -> `["email"]`; undefined when the path is not mapped one-to-one. */
  appPathOf(scimPath: string[]): string[] | undefined;
  /** What discovery shows: the schemas restricted to what is mapped (identity: unchanged). */
  schemas(rt: ResourceTypeDef): { schema: SchemaDef; extensions: { schema: SchemaDef; required: boolean }[] };
}
