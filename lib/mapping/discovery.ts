/**
 * What /Schemas and /ResourceTypes show under a mapping: only what is mapped, so Okta's and
 * Entra's attribute discovery offers exactly the attributes that will be kept.
 */
import type { AttributeDef, ResourceTypeDef, SchemaDef } from "../schema/types";
import { attributeKey, type Model } from "./model";
import { reservedAppRoots, type CompiledPair } from "./pairs";

export function mappedSchemas(model: Model, rt: ResourceTypeDef) {
  const schema = restrict(model, rt, rt.schema, undefined);
  const extensions = rt.extensions
    .map((e) => ({ schema: restrict(model, rt, e.schema, e.schema.id), required: e.required }))
    .filter((e) => e.schema.attributes.length > 0);
  return { schema, extensions };
}

function restrict(model: Model, rt: ResourceTypeDef, schema: SchemaDef, container: string | undefined): SchemaDef {
  const attributes: AttributeDef[] = [];
  for (const attribute of schema.attributes) {
    // User.groups and Group.members are the server's, whatever the mapping says.
    if (!container && reservedAppRoots(rt).includes(attribute.name.toLowerCase())) {
      attributes.push(attribute);
      continue;
    }
    const entry = model.attributes.get(attributeKey(container, attribute.name));
    if (!entry) continue;
    if (entry.whole) {
      attributes.push(adjust(attribute, [entry.whole]));
      continue;
    }
    const subAttributes: AttributeDef[] = [];
    for (const sub of attribute.subAttributes ?? []) {
      const pairs: CompiledPair[] = [];
      let selected = false;
      for (const group of entry.groups) {
        if (group.whole) pairs.push(group.whole);
        const pair = group.subs.get(sub.name);
        if (pair) pairs.push(pair);
        selected ||= group.selector.some((f) => f.def === sub);
      }
      if (pairs.length > 0) subAttributes.push(adjust(sub, pairs));
      else if (selected) subAttributes.push(sub);
    }
    attributes.push({
      ...adjust(
        attribute,
        entry.groups.flatMap((g) => g.pairs),
      ),
      subAttributes,
    });
  }
  return { ...schema, attributes };
}

/** App-owned values are readOnly to SCIM clients; write-only ones are never returned. */
function adjust(def: AttributeDef, pairs: CompiledPair[]): AttributeDef {
  if (pairs.every((p) => !p.writable) && def.mutability !== "readOnly") return { ...def, mutability: "readOnly" };
  if (pairs.every((p) => !p.readable)) return { ...def, mutability: "writeOnly", returned: "never" };
  return def;
}
