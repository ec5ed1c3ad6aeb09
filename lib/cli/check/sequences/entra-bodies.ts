/** What Microsoft Entra ID sends (clients.md, Entra): its flag, create bodies and PATCH bodies. */
import { randomUUID } from "node:crypto";
import { ENTERPRISE_USER_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from "../../../schema/urns";
import type { CallOptions, Exchange } from "../exchange";
import { expectResource } from "../expect";
import type { StepContext } from "../sequence";

export const MS_GROUP_SCHEMA = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";
/** Entra's SCIM 2.0 compliance flag: once set, it arrives on every request. */
export const ENTRA_FLAG = "aadOptscim062020";

/** A request as Entra sends it: with the flag, after the other parameters. */
export function entra(ctx: StepContext, method: string, path: string, options?: CallOptions): Promise<Exchange> {
  return ctx.call(method, path.includes("?") ? `${path}&${ENTRA_FLAG}` : `${path}?${ENTRA_FLAG}`, options);
}

/** A PatchOp body, ops in whichever dialect the caller wrote them. */
export const ops = (...Operations: unknown[]) => ({ body: { schemas: [PATCH_OP_SCHEMA], Operations } });

/** Entra's create-user body (its docs' "Create User" request). */
export function entraUser(userName: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    externalId: randomUUID(),
    userName,
    active: true,
    emails: [{ primary: true, type: "work", value: userName }],
    meta: { resourceType: "User" },
    name: { formatted: "Given Family", familyName: "Family", givenName: "Given" },
    roles: [],
    ...extra,
  };
}

export async function createEntraUser(ctx: StepContext, userName: string, extra: Record<string, unknown> = {}) {
  const x = await entra(ctx, "POST", "/Users", { body: entraUser(userName, extra) });
  expectResource(x, 201, USER_SCHEMA);
  return x.body as { id: string; externalId: string; [k: string]: unknown };
}

export async function getUser(ctx: StepContext, id: string) {
  const x = await entra(ctx, "GET", `/Users/${id}`);
  expectResource(x, 200, USER_SCHEMA);
  return x.body;
}
