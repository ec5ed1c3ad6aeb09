/**
 * Microsoft Entra ID's provisioning of users (clients.md, Entra): test connection, matching, and
 * a user's life from create to hard delete. Every request carries `?aadOptscim062020`; ops come in
 * both of Entra's dialects (`Replace`, `replace`) and booleans as strings.
 */
import { randomUUID } from "node:crypto";
import { GROUP_SCHEMA, USER_SCHEMA } from "../../../schema/urns";
import {
  ensure,
  equal,
  expectError,
  expectLike,
  expectList,
  expectResource,
  expectStatus,
  memberIds,
  noneOrEmpty,
} from "../expect";
import type { Sequence, StepContext } from "../sequence";
import { createEntraUser, ENTRA_FLAG, entra, entraUser, MS_GROUP_SCHEMA, ops } from "./entra-bodies";
import { filterQuery } from "./queries";

const found = async (ctx: StepContext, filter: string, total: number) => {
  const x = await entra(ctx, "GET", `/Users?${filterQuery(filter)}`);
  expectList(x, total);
  return x;
};
const renamed = (ctx: StepContext) => `renamed.${ctx.unique}@contoso.com`;

export const entraUsers: Sequence = {
  id: "entra-users",
  title: "Microsoft Entra ID: test connection, matching, user lifecycle",
  profile: "entra",
  steps: [
    {
      name: "test connection: filter on a random GUID answers 200 with an empty ListResponse",
      async run(ctx) {
        for (const attr of ["userName", "id", "externalId"]) {
          const x = await found(ctx, `${attr} eq "${randomUUID()}"`, 0);
          expectLike(x.body, { Resources: [], startIndex: 1 }, `filter on ${attr}`, x);
        }
        const g = await entra(
          ctx,
          "GET",
          `/Groups?excludedAttributes=members&${filterQuery(`displayName eq "${randomUUID()}"`)}`,
        );
        expectList(g, 0);
      },
    },
    {
      name: "the flag alone, first, last, or with a value never breaks a request",
      async run(ctx) {
        expectList(await ctx.call("GET", `/Users?${ENTRA_FLAG}`));
        expectList(await ctx.call("GET", `/Users?${ENTRA_FLAG}&startIndex=1&count=5`));
        expectList(await ctx.call("GET", `/Users?startIndex=1&${ENTRA_FLAG}=true&count=5`));
        expectStatus(await ctx.call("GET", `/ServiceProviderConfig?${ENTRA_FLAG}`), 200);
      },
    },
    {
      name: 'matching by userName eq, externalId eq (quoted and unquoted) and emails[type eq "work"].value eq',
      async run(ctx) {
        const name = `Match.${ctx.unique}@contoso.com`;
        const u = await createEntraUser(ctx, name);
        await createEntraUser(ctx, `other.${ctx.unique}@contoso.com`);
        const cases = [
          `userName eq "${name.toLowerCase()}"`,
          `externalId eq "${u.externalId}"`,
          `externalId eq ${u.externalId}`,
          `emails[type eq "work"].value eq "${name}"`,
          `emails[type eq "work"].value eq "${name.toUpperCase()}"`,
          `userName eq "${name}" and externalId eq "${u.externalId}"`,
        ];
        for (const filter of cases) {
          const x = await found(ctx, filter, 1);
          expectLike(x.body.Resources[0].id, u.id, `the user found by ${filter}`, x);
        }
        // externalId is caseExact: a differently-cased id is another user.
        await found(ctx, `externalId eq "${u.externalId.toUpperCase()}"`, 0);
        // A home email with the value does not match a work-email filter.
        const shared = `shared.${ctx.unique}@contoso.com`;
        await createEntraUser(ctx, `home.${ctx.unique}@contoso.com`, { emails: [{ type: "home", value: shared }] });
        await found(ctx, `emails[type eq "work"].value eq "${shared}"`, 0);
      },
    },
    {
      name: "query strings with + for spaces are read the same as %20",
      async run(ctx) {
        const name = `plus.${ctx.unique}@contoso.com`;
        await createEntraUser(ctx, name);
        expectList(await entra(ctx, "GET", `/Users?filter=userName+eq+"${name}"`), 1);
      },
    },
    {
      name: 'create with "active":"True" as a string: 201, stored as a boolean',
      async run(ctx) {
        const body = entraUser(`lifecycle.${ctx.unique}@contoso.com`, { active: "True" });
        const x = await entra(ctx, "POST", "/Users", { body });
        expectResource(x, 201, USER_SCHEMA);
        expectLike(x.body, { active: true, externalId: body.externalId }, "created user", x);
        ctx.save("id", x.body.id);
      },
    },
    {
      name: 'multi-valued update: Replace emails[type eq "work"].value and name.familyName',
      async run(ctx) {
        const x = await entra(
          ctx,
          "PATCH",
          `/Users/${ctx.need("id")}`,
          ops(
            { op: "Replace", path: 'emails[type eq "work"].value', value: `updated.${ctx.unique}@contoso.com` },
            { op: "Replace", path: "name.familyName", value: "UpdatedFamily" },
          ),
        );
        expectResource(x, 200, USER_SCHEMA);
        expectLike(
          x.body,
          {
            emails: equal([{ primary: true, type: "work", value: `updated.${ctx.unique}@contoso.com` }]),
            name: { familyName: "UpdatedFamily", givenName: "Given" },
          },
          "patched user",
          x,
        );
      },
    },
    {
      name: "single-valued update: Replace userName (lower-case op too)",
      async run(ctx) {
        const x = await entra(
          ctx,
          "PATCH",
          `/Users/${ctx.need("id")}`,
          ops({ op: "replace", path: "userName", value: renamed(ctx) }),
        );
        expectResource(x, 200, USER_SCHEMA);
        expectLike(x.body.userName, renamed(ctx), "userName", x);
        await found(ctx, `userName eq "${renamed(ctx)}"`, 1);
      },
    },
    {
      name: 'disable: Replace active with "False"; memberships survive; filter by active finds it',
      async run(ctx) {
        const id = ctx.need("id");
        const displayName = `Lifecycle ${ctx.unique}`;
        const group = await entra(ctx, "POST", "/Groups", {
          body: { schemas: [GROUP_SCHEMA, MS_GROUP_SCHEMA], displayName, members: [{ value: id }] },
        });
        expectResource(group, 201, GROUP_SCHEMA);
        ctx.save("groupId", group.body.id);
        const x = await entra(ctx, "PATCH", `/Users/${id}`, ops({ op: "Replace", path: "active", value: "False" }));
        expectResource(x, 200, USER_SCHEMA);
        expectLike(x.body.active, false, "active", x);
        if (x.body.groups !== undefined)
          expectLike(x.body.groups, [{ value: group.body.id, display: displayName }], "groups", x);
        const g = await entra(ctx, "GET", `/Groups/${group.body.id}`);
        expectResource(g, 200, GROUP_SCHEMA);
        expectLike(memberIds(g.body), [id], "members", g);
        await found(ctx, `userName eq "${renamed(ctx)}" and active eq false`, 1);
      },
    },
    {
      name: 're-enable with a lower-case op and "true"; disable again with a boolean',
      async run(ctx) {
        const id = ctx.need("id");
        const on = await entra(ctx, "PATCH", `/Users/${id}`, ops({ op: "replace", path: "active", value: "true" }));
        expectResource(on, 200, USER_SCHEMA);
        expectLike(on.body.active, true, "active", on);
        const off = await entra(ctx, "PATCH", `/Users/${id}`, ops({ op: "Replace", path: "active", value: false }));
        expectResource(off, 200, USER_SCHEMA);
        expectLike(off.body.active, false, "active", off);
      },
    },
    {
      name: "hard delete weeks after the soft delete: 204, then 404 and gone from its groups",
      async run(ctx) {
        const id = ctx.need("id");
        const groupId = ctx.need("groupId");
        const x = await entra(ctx, "DELETE", `/Users/${id}`);
        expectStatus(x, 204);
        ensure(x.text === "", "a 204 has no body", x);
        expectError(await entra(ctx, "GET", `/Users/${id}`), 404);
        await found(ctx, `userName eq "${renamed(ctx)}"`, 0);
        const g = await entra(ctx, "GET", `/Groups/${groupId}`);
        expectResource(g, 200, GROUP_SCHEMA);
        expectLike(g.body.members, noneOrEmpty, "members", g);
      },
    },
  ],
};
