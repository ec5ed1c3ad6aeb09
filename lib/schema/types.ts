/** RFC 7643 section 7: the vocabulary every schema-aware module shares. */

export type AttributeType =
  | "string"
  | "boolean"
  | "decimal"
  | "integer"
  | "dateTime"
  | "reference"
  | "binary"
  | "complex";

/** The types whose values are text: substring operators apply, and "" means absent. */
export const TEXT_TYPES: ReadonlySet<AttributeType> = new Set(["string", "reference", "binary"]);

/** RFC 7643 7: whether and when an attribute may be written. */
export type Mutability = "readOnly" | "readWrite" | "immutable" | "writeOnly";
/** RFC 7643 7: when an attribute is returned. */
export type Returned = "always" | "never" | "default" | "request";
/** RFC 7643 7: how unique an attribute's value is. */
export type Uniqueness = "none" | "server" | "global";

export interface AttributeDef {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description?: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDef[];
}

export interface SchemaDef {
  id: string;
  name: string;
  description?: string;
  attributes: AttributeDef[];
}

export interface ResourceTypeDef {
  /** "User" or "Group": also the value of meta.resourceType. */
  name: string;
  /** "/Users" or "/Groups". */
  endpoint: string;
  description?: string;
  schema: SchemaDef;
  extensions: { schema: SchemaDef; required: boolean }[];
}

/** Shorthand for the many attribute definitions whose fields mostly take RFC 7643 defaults. */
export function attribute(name: string, type: AttributeType, more: Partial<AttributeDef> = {}): AttributeDef {
  return {
    name,
    type,
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: "readWrite",
    returned: "default",
    uniqueness: "none",
    ...more,
  };
}

/** One value of a group's `members` (RFC 7643 4.2), as stores keep it and PATCH changes it. */
export interface Member {
  value: string;
  type: "User" | "Group";
  /** The member's displayName (groups) or displayName/userName (users), when the store knows it. */
  display?: string;
}
