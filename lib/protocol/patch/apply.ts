/**
 * The PATCH engine (RFC 7644 3.5.2): a pure function from (resource, operations) to the new
 * resource, the member deltas and the list of changed attributes. It works on a private copy,
 * so when any operation fails the caller still holds the untouched original (atomicity).
 */
import { changedAttributes } from "../changes";
import { badRequest } from "../errors";
import { carriedSchemas } from "../projection";
import { containerOf, normalizeResource } from "../../schema/normalize";
import { findAttribute, schemasOf } from "../../schema/resolve";
import type { ResourceTypeDef } from "../../schema/types";
import { memberDelta } from "./members";
import { targetOfPath, targetsOfValue, type Target, type TargetContext } from "./targets";
import type { ApplyPatchOptions, MemberDelta, PatchOpName, PatchOperation, PatchResult } from "./types";
import { writeAttribute } from "./write";
import { deepEqual, isAbsent, isObject, type JsonObject, cloneJson } from "../../values/json";

export function applyPatch(
  rt: ResourceTypeDef,
  resource: Record<string, unknown>,
  ops: readonly PatchOperation[],
  opts: ApplyPatchOptions = {},
): PatchResult {
  const ctx: TargetContext = {
    rt,
    membersAttribute: membersAttributeOf(rt, opts),
    strictExtensions: !!opts.strictExtensions,
    ...(opts.filter && { filterLimits: opts.filter }),
    ...(opts.tolerate && { tolerate: opts.tolerate }),
  };
  const work = cloneJson(resource);
  const members: MemberDelta[] = [];
  for (const op of ops) applyOperation(ctx, work, op, members);
  checkRequired(rt, resource, work);
  // The one canonical shape, as POST/PUT store it; the service's readOnly attributes stay.
  const next: JsonObject = normalizeResource(rt, work, { keepReadOnly: true, multiplePrimary: "keepLast" });
  checkImmutable(rt, resource, next);
  const out = Array.isArray(resource.schemas) ? { schemas: carriedSchemas(rt, next), ...next } : next;
  return { resource: out, members, changed: changedAttributes(rt, resource, next) };
}

function membersAttributeOf(rt: ResourceTypeDef, opts: ApplyPatchOptions): string | undefined {
  const def = findAttribute(rt.schema.attributes, opts.membersAttribute ?? "members");
  if (!def && opts.membersAttribute !== undefined) {
    throw new TypeError(`membersAttribute "${opts.membersAttribute}" is not an attribute of ${rt.name}`);
  }
  return def?.name;
}

function applyOperation(ctx: TargetContext, work: JsonObject, op: PatchOperation, members: MemberDelta[]) {
  if (op.path) return applyTarget(ctx, work, op.op, targetOfPath(ctx, op.path), op.value, members);
  // RFC 7644 3.5.2.2: remove needs a path (parsePatchRequest checks too; ops may come from elsewhere).
  if (op.op === "remove") throw badRequest("noTarget", '"remove" needs a "path"');
  // RFC 7644 3.5.2.1 / 3.5.2.3: without a path the value's attributes are the targets.
  for (const { target, value } of targetsOfValue(ctx, op.value)) applyTarget(ctx, work, op.op, target, value, members);
}

function applyTarget(
  ctx: TargetContext,
  work: JsonObject,
  op: PatchOpName,
  target: Target,
  value: unknown,
  members: MemberDelta[],
) {
  switch (target.kind) {
    case "members":
      members.push(memberDelta(op, target, value, ctx.tolerate));
      return;
    case "extension":
      if (op === "remove" || isAbsent(value)) delete work[target.schema.id];
      // A whole extension's value is that schema's attributes, each written with this op.
      else
        for (const t of targetsOfValue(ctx, value, target.schema))
          applyTarget(ctx, work, op, t.target, t.value, members);
      return;
    case "attribute":
      writeAttribute(ctx.rt, work, op, target, value, ctx.tolerate);
  }
}

/**
 * RFC 7644 3.5.2.2: "If an attribute is removed or becomes unassigned and is defined as a
 * required attribute or a read-only attribute, the server SHALL return ... mutability."
 */
function checkRequired(rt: ResourceTypeDef, before: JsonObject, after: JsonObject) {
  for (const schema of schemasOf(rt)) {
    const was = containerOf(rt, before, schema, false);
    const now = containerOf(rt, after, schema, false);
    for (const attr of schema.attributes) {
      if (!attr.required || attr.mutability === "readOnly" || isAbsent(was?.[attr.name])) continue;
      const value = now?.[attr.name];
      if (isAbsent(value) || (Array.isArray(value) && value.length === 0)) {
        throw badRequest(
          "mutability",
          `Attribute '${label(rt, schema.id, attr.name)}' is required and cannot be removed`,
        );
      }
    }
  }
}

/** RFC 7643 2.2: an immutable value may be set when absent, never changed once set. */
function checkImmutable(rt: ResourceTypeDef, before: JsonObject, after: JsonObject) {
  for (const schema of schemasOf(rt)) {
    const was = containerOf(rt, before, schema, false) ?? {};
    const now = containerOf(rt, after, schema, false) ?? {};
    for (const attr of schema.attributes) {
      const where = label(rt, schema.id, attr.name);
      if (attr.mutability === "immutable") mustKeep(was[attr.name], now[attr.name], where);
      // Immutable sub-attributes of a single complex value; lists (members) are deltas, not here.
      if (attr.type === "complex" && !attr.multiValued && isObject(was[attr.name])) {
        for (const sub of attr.subAttributes ?? []) {
          if (sub.mutability !== "immutable") continue;
          const nowValue = isObject(now[attr.name]) ? (now[attr.name] as JsonObject)[sub.name] : undefined;
          mustKeep((was[attr.name] as JsonObject)[sub.name], nowValue, `${where}.${sub.name}`);
        }
      }
    }
  }
}

function mustKeep(was: unknown, now: unknown, where: string) {
  if (was !== undefined && !deepEqual(was, now)) throw badRequest("mutability", `Attribute '${where}' is immutable`);
}

const label = (rt: ResourceTypeDef, schemaId: string, name: string) =>
  schemaId === rt.schema.id ? name : `${schemaId}:${name}`;
