/** RFC 7643 sections 3.1, 4.1, 4.2, 4.3 and 8.7.1: the schemas every SCIM client expects. */
import { attribute as a, type AttributeDef, type ResourceTypeDef, type SchemaDef } from "./types";
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from "./urns";

const typed = (canonicalValues: string[], extra: AttributeDef[] = []): AttributeDef[] => [
  a("value", "string"),
  a("display", "string"),
  a("type", "string", { canonicalValues }),
  a("primary", "boolean"),
  ...extra,
];

const multi = (name: string, subAttributes: AttributeDef[], more: Partial<AttributeDef> = {}) =>
  a(name, "complex", { multiValued: true, subAttributes, ...more });

/** RFC 7643 3.1: present on every resource, outside any schema's attribute list. */
export const COMMON_ATTRIBUTES: AttributeDef[] = [
  a("id", "string", { caseExact: true, mutability: "readOnly", returned: "always", uniqueness: "server" }),
  a("externalId", "string", { caseExact: true }),
  a("meta", "complex", {
    mutability: "readOnly",
    subAttributes: [
      a("resourceType", "string", { caseExact: true, mutability: "readOnly" }),
      a("created", "dateTime", { mutability: "readOnly" }),
      a("lastModified", "dateTime", { mutability: "readOnly" }),
      a("location", "reference", { caseExact: true, mutability: "readOnly", referenceTypes: ["uri"] }),
      a("version", "string", { caseExact: true, mutability: "readOnly" }),
    ],
  }),
];

export const userSchema: SchemaDef = {
  id: USER_SCHEMA,
  name: "User",
  description: "User Account",
  attributes: [
    a("userName", "string", { required: true, uniqueness: "server" }),
    a("name", "complex", {
      subAttributes: [
        a("formatted", "string"),
        a("familyName", "string"),
        a("givenName", "string"),
        a("middleName", "string"),
        a("honorificPrefix", "string"),
        a("honorificSuffix", "string"),
      ],
    }),
    a("displayName", "string"),
    a("nickName", "string"),
    a("profileUrl", "reference", { referenceTypes: ["external"] }),
    a("title", "string"),
    a("userType", "string"),
    a("preferredLanguage", "string"),
    a("locale", "string"),
    a("timezone", "string"),
    a("active", "boolean"),
    a("password", "string", { mutability: "writeOnly", returned: "never" }),
    multi("emails", typed(["work", "home", "other"])),
    multi("phoneNumbers", typed(["work", "home", "mobile", "fax", "pager", "other"])),
    multi("ims", typed(["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"])),
    multi("photos", [
      a("value", "reference", { referenceTypes: ["external"] }),
      a("display", "string"),
      a("type", "string", { canonicalValues: ["photo", "thumbnail"] }),
      a("primary", "boolean"),
    ]),
    multi("addresses", [
      a("formatted", "string"),
      a("streetAddress", "string"),
      a("locality", "string"),
      a("region", "string"),
      a("postalCode", "string"),
      a("country", "string"),
      a("type", "string", { canonicalValues: ["work", "home", "other"] }),
      a("primary", "boolean"),
    ]),
    multi(
      "groups",
      [
        a("value", "string", { mutability: "readOnly" }),
        a("$ref", "reference", { mutability: "readOnly", referenceTypes: ["User", "Group"] }),
        a("display", "string", { mutability: "readOnly" }),
        a("type", "string", { mutability: "readOnly", canonicalValues: ["direct", "indirect"] }),
      ],
      { mutability: "readOnly" },
    ),
    multi("entitlements", typed([])),
    multi("roles", typed([])),
    multi("x509Certificates", [
      a("value", "binary"),
      a("display", "string"),
      a("type", "string"),
      a("primary", "boolean"),
    ]),
  ],
};

export const enterpriseUserSchema: SchemaDef = {
  id: ENTERPRISE_USER_SCHEMA,
  name: "EnterpriseUser",
  description: "Enterprise User",
  attributes: [
    a("employeeNumber", "string"),
    a("costCenter", "string"),
    a("organization", "string"),
    a("division", "string"),
    a("department", "string"),
    a("manager", "complex", {
      subAttributes: [
        a("value", "string"),
        a("$ref", "reference", { referenceTypes: ["User"] }),
        a("displayName", "string", { mutability: "readOnly" }),
      ],
    }),
  ],
};

export const groupSchema: SchemaDef = {
  id: GROUP_SCHEMA,
  name: "Group",
  description: "Group",
  attributes: [
    // RFC 7643 leaves displayName non-unique; clients look groups up by it, so we keep it unique.
    a("displayName", "string", { required: true, uniqueness: "server" }),
    multi("members", [
      a("value", "string", { mutability: "immutable" }),
      a("$ref", "reference", { mutability: "immutable", referenceTypes: ["User", "Group"] }),
      a("type", "string", { mutability: "immutable", canonicalValues: ["User", "Group"] }),
      a("display", "string", { mutability: "readOnly" }),
    ]),
  ],
};

export const userResourceType: ResourceTypeDef = {
  name: "User",
  endpoint: "/Users",
  description: "User Account",
  schema: userSchema,
  extensions: [{ schema: enterpriseUserSchema, required: false }],
};

export const groupResourceType: ResourceTypeDef = {
  name: "Group",
  endpoint: "/Groups",
  description: "Group",
  schema: groupSchema,
  extensions: [],
};

/** Where a core resource type lives: "User" -> "/Users", "Group" -> "/Groups". */
export const endpointOf = (type: "User" | "Group"): string =>
  (type === "Group" ? groupResourceType : userResourceType).endpoint;
