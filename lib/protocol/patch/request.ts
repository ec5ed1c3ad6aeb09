/** Reading a PatchOp request body (RFC 7644 3.5.2) into validated operations. */
import { badRequest, notTolerated, preview } from "../errors";
import { tolerates } from "../../profiles/tolerances";
import { parsePatchPath } from "../filter";
import { PATCH_OP_SCHEMA } from "../../schema/urns";
import { LIMIT_DEFAULTS } from "../../values/defaults";
import type { PatchOpName, PatchOperation, PatchRequestOptions } from "./types";
import { isObject, type JsonObject, memberOf } from "../../values/json";

const OPS: readonly PatchOpName[] = ["add", "remove", "replace"];

const has = (body: JsonObject, name: string) => Object.keys(body).some((k) => k.toLowerCase() === name.toLowerCase());

export function parsePatchRequest(body: unknown, opts: PatchRequestOptions = {}): PatchOperation[] {
  if (!isObject(body)) throw badRequest("invalidSyntax", "A PATCH body must be a JSON object (a PatchOp)");
  checkSchemas(memberOf(body, "schemas"), opts);
  const operations = memberOf(body, "Operations");
  if (!Array.isArray(operations)) {
    throw badRequest("invalidSyntax", 'A PatchOp must carry an "Operations" array (RFC 7644 3.5.2)');
  }
  const max = opts.maxOperations ?? LIMIT_DEFAULTS.maxOperations;
  if (operations.length > max) {
    throw badRequest("tooMany", `A PatchOp may carry at most ${max} operations; this one has ${operations.length}`);
  }
  // An empty list is a no-op: Entra sends it, and it must not fail.
  if (operations.length === 0 && !tolerates(opts.tolerate, "emptyOperations"))
    throw notTolerated(
      "invalidValue",
      'A PatchOp\'s "Operations" must hold one or more operations (RFC 7644 3.5.2).',
      "emptyOperations",
    );
  return operations.map((raw, i) => parseOperation(raw, i, opts));
}

/**
 * RFC 7644 3.5.2 requires the PatchOp URN in `schemas`, but refusing a request that is otherwise
 * clear helps nobody: a missing or different URN is reported to `warn`, not to the client.
 */
function checkSchemas(schemas: unknown, opts: PatchRequestOptions) {
  const ok =
    Array.isArray(schemas) &&
    schemas.some((s) => typeof s === "string" && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase());
  if (!ok && !tolerates(opts.tolerate, "looseSchemas"))
    throw notTolerated(
      "invalidSyntax",
      `A PATCH body must list "${PATCH_OP_SCHEMA}" in "schemas" (RFC 7644 3.5.2).`,
      "looseSchemas",
    );
  if (!ok) opts.warn?.(`PATCH body without "${PATCH_OP_SCHEMA}" in "schemas"; accepted anyway`);
}

function parseOperation(raw: unknown, index: number, opts: PatchRequestOptions): PatchOperation {
  const where = `Operations[${index}]`;
  if (!isObject(raw)) throw badRequest("invalidSyntax", `${where} must be an object with "op"`);
  const opText = memberOf(raw, "op");
  // RFC 7644 3.12: a body that does not follow the PatchOp schema is invalidSyntax.
  const op = typeof opText === "string" ? OPS.find((o) => o === opText.trim().toLowerCase()) : undefined;
  if (op && opText !== op && !tolerates(opts.tolerate, "capitalisedOps"))
    throw notTolerated(
      "invalidSyntax",
      `${where}: "op" must be "${op}", got ${preview(opText)} (RFC 7644 3.5.2).`,
      "capitalisedOps",
    );
  if (!op)
    throw badRequest(
      "invalidSyntax",
      `${where}: "op" must be "add", "remove" or "replace", got ${opText === undefined ? "nothing" : preview(opText)}`,
    );
  const operation: PatchOperation = { op };
  const pathText = memberOf(raw, "path");
  if (pathText !== undefined && pathText !== null && typeof pathText !== "string") {
    throw badRequest("invalidPath", `${where}: "path" must be a string`);
  }
  // Some clients send `"path": ""` for "no path"; treat blank as absent.
  if (typeof pathText === "string" && pathText.trim() !== "")
    operation.path = parsePatchPath(pathText.trim(), opts.filter);
  // RFC 7644 3.5.2.2: remove without a path is noTarget.
  if (op === "remove" && !operation.path) throw badRequest("noTarget", `${where}: "remove" needs a "path"`);
  if (has(raw, "value")) operation.value = memberOf(raw, "value");
  // RFC 7644 3.5.2.1 / 3.5.2.3: add and replace MUST carry a value (null is a value: it clears).
  else if (op !== "remove") throw badRequest("invalidValue", `${where}: "${op}" needs a "value"`);
  return operation;
}
