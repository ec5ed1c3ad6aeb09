/**
 * RFC 7644 3.4.2.5: `attributes` and `excludedAttributes` name attributes as attrPaths,
 * comma-separated. Parsed here once, resolved against a resource type, and applied to
 * rendered resources by projection.ts.
 */
import { badRequest } from "./errors";
import type { ResourceTypeDef } from "../schema/types";
import { findSchema, locateAttribute } from "../schema/resolve";
import { splitAttrPath } from "./filter/parse";

/** A resolved name: the path of keys in a rendered SCIM resource (`["name","givenName"]`). */
export type AttributeKey = string[];

const MAX_NAMES = 100;

/**
 * Resolves a comma-separated list. Unknown names are ignored rather than refused: clients
 * (Entra among them) ask for attributes a server may not support, and RFC 7644 3.4.2.5 only
 * says which attributes to return, not to fail. Extension URNs alone select the whole extension.
 */
export function parseAttributeList(rt: ResourceTypeDef, text: string | undefined): AttributeKey[] | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const names = text
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length > MAX_NAMES) throw badRequest("invalidValue", `At most ${MAX_NAMES} attribute names may be listed.`);
  const keys: AttributeKey[] = [];
  for (const name of names) {
    const whole = findSchema(rt, name);
    if (whole) {
      if (whole !== rt.schema) keys.push([whole.id]);
      continue;
    }
    const path = splitAttrPath(name);
    if (typeof path === "string") continue;
    const located = locateAttribute(rt, path);
    if (located) keys.push(located.path);
  }
  return keys;
}
