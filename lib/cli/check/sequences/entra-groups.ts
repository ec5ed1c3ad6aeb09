/**
 * Microsoft Entra ID's provisioning of groups (clients.md, Entra): POST without members and with
 * Microsoft's schema URN, `excludedAttributes=members`, `Remove` with a value list meaning "only
 * these", `"$ref": null`, several members per op, memberships that outlive a deactivation.
 */
import { GROUP_SCHEMA, USER_SCHEMA } from "../../../schema/urns";
import {
  a,
  absent,
  ensure,
  expectError,
  expectGroupPatchOk,
  expectLike,
  expectList,
  expectResource,
  expectStatus,
  memberIds,
  noneOrEmpty,
} from "../expect";
import type { Sequence, StepContext } from "../sequence";
import { createEntraUser, entra, getUser, MS_GROUP_SCHEMA, ops } from "./entra-bodies";
import { filterQuery } from "./queries";

const groupName = (ctx: StepContext) => `Entra Group ${ctx.unique}`;

async function membersOf(ctx: StepContext) {
  const g = await entra(ctx, "GET", `/Groups/${ctx.need("groupId")}`);
  expectResource(g, 200, GROUP_SCHEMA);
  return { g, ids: memberIds(g.body) };
}

export const entraGroups: Sequence = {
  id: "entra-groups",
  title: "Microsoft Entra ID: groups",
  profile: "entra",
  steps: [
    {
      name: "four users to be members (POST /Users)",
      async run(ctx) {
        const members: string[] = [];
        for (const n of ["g1", "g2", "g3", "g4"])
          members.push((await createEntraUser(ctx, `${n}.member.${ctx.unique}@contoso.com`)).id);
        ctx.save("members", members);
      },
    },
    {
      name: "create without members, with an extra Microsoft schema URN: 201",
      async run(ctx) {
        const externalId = `ext-${ctx.unique}`;
        const x = await entra(ctx, "POST", "/Groups", {
          body: {
            schemas: [GROUP_SCHEMA, MS_GROUP_SCHEMA],
            externalId,
            displayName: groupName(ctx),
            meta: { resourceType: "Group" },
          },
        });
        expectResource(x, 201, GROUP_SCHEMA);
        expectLike(x.body, { displayName: groupName(ctx), externalId, members: noneOrEmpty }, "created group", x);
        ctx.save("groupId", x.body.id);
      },
    },
    {
      name: "GET /Groups/{id}?excludedAttributes=members and the displayName lookup (any case)",
      async run(ctx) {
        const x = await entra(ctx, "GET", `/Groups/${ctx.need("groupId")}?excludedAttributes=members`);
        expectResource(x, 200, GROUP_SCHEMA);
        expectLike(x.body, { members: absent, displayName: groupName(ctx) }, "group", x);
        const found = await entra(
          ctx,
          "GET",
          `/Groups?excludedAttributes=members&${filterQuery(`displayName eq "${groupName(ctx)}"`)}`,
        );
        expectList(found, 1);
        expectLike(found.body.Resources[0].members, absent, "members", found);
        const sloppy = await entra(
          ctx,
          "GET",
          `/Groups?excludedAttributes=members&${filterQuery(`DisplayName eq "${groupName(ctx).toLowerCase()}"`)}`,
        );
        expectList(sloppy, 1);
      },
    },
    {
      name: "Replace displayName (204 preferred)",
      async run(ctx) {
        const renamed = `${groupName(ctx)} Renamed`;
        expectGroupPatchOk(
          await entra(
            ctx,
            "PATCH",
            `/Groups/${ctx.need("groupId")}`,
            ops({ op: "Replace", path: "displayName", value: renamed }),
          ),
        );
        const { g } = await membersOf(ctx);
        expectLike(g.body.displayName, renamed, "displayName", g);
      },
    },
    {
      name: 'Add several members per op, with "$ref": null',
      async run(ctx) {
        const members = ctx.need<string[]>("members");
        const x = await entra(
          ctx,
          "PATCH",
          `/Groups/${ctx.need("groupId")}`,
          ops({ op: "Add", path: "members", value: members.map((value) => ({ $ref: null, value })) }),
        );
        expectGroupPatchOk(x);
        const { g, ids } = await membersOf(ctx);
        expectLike(ids, [...members].sort(), "members", g);
      },
    },
    {
      name: "Remove members with a value list removes only those, never wipes the group",
      async run(ctx) {
        const members = ctx.need<string[]>("members");
        const x = await entra(
          ctx,
          "PATCH",
          `/Groups/${ctx.need("groupId")}`,
          ops({ op: "Remove", path: "members", value: [{ $ref: null, value: members[0] }, { value: members[2] }] }),
        );
        expectGroupPatchOk(x);
        const { g, ids } = await membersOf(ctx);
        expectLike(ids, [members[1], members[3]].sort(), "members", g);
      },
    },
    {
      name: "lower-case ops and a Remove of an absent member are fine too",
      async run(ctx) {
        const members = ctx.need<string[]>("members");
        const x = await entra(
          ctx,
          "PATCH",
          `/Groups/${ctx.need("groupId")}`,
          ops(
            { op: "add", path: "members", value: [{ value: members[0] }] },
            { op: "remove", path: "members", value: [{ value: members[2] }] },
          ),
        );
        expectGroupPatchOk(x);
        const { g, ids } = await membersOf(ctx);
        expectLike(ids, [members[0], members[1], members[3]].sort(), "members", g);
      },
    },
    {
      name: "memberships survive a member's deactivation",
      async run(ctx) {
        const members = ctx.need<string[]>("members");
        const off = await entra(
          ctx,
          "PATCH",
          `/Users/${members[1]}`,
          ops({ op: "Replace", path: "active", value: "False" }),
        );
        expectResource(off, 200, USER_SCHEMA);
        expectLike(off.body.active, false, "active", off);
        const { g, ids } = await membersOf(ctx);
        ensure(ids.includes(members[1]!), "the deactivated user left the group", g);
        const user = await getUser(ctx, members[1]!);
        if (user.groups !== undefined) expectLike(user.groups, [{ value: ctx.need("groupId") }], "groups of the user");
      },
    },
    {
      name: "filter groups by member, the way Entra checks membership",
      async run(ctx) {
        const members = ctx.need<string[]>("members");
        const groupId = ctx.need("groupId");
        const by = (member: string) =>
          entra(
            ctx,
            "GET",
            `/Groups?excludedAttributes=members&${filterQuery(`id eq "${groupId}" and members.value eq "${member}"`)}`,
          );
        expectList(await by(members[3]!), 1);
        expectList(await by(members[2]!), 0);
      },
    },
    {
      name: "DELETE the group: 204, then 404; the users lose the membership",
      async run(ctx) {
        const groupId = ctx.need("groupId");
        const x = await entra(ctx, "DELETE", `/Groups/${groupId}`);
        expectStatus(x, 204);
        expectError(await entra(ctx, "GET", `/Groups/${groupId}`), 404);
        const user = await getUser(ctx, ctx.need<string[]>("members")[0]!);
        expectLike(user.groups, noneOrEmpty, "groups of a former member");
      },
    },
    {
      name: "responses carry the SCIM content type Entra's validator checks",
      async run(ctx) {
        const x = await entra(ctx, "GET", "/Groups?count=1");
        expectList(x);
        expectLike(x.body.Resources, x.body.Resources.length ? [{ id: a("string") }] : [], "Resources", x);
      },
    },
  ],
};
