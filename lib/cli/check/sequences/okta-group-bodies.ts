/**
 * How Okta's custom SAML apps push groups (clients.md, Okta): whole member lists in POST and PUT
 * bodies, a group cleared by a pathless `replace` of `{"members": []}`, and member ids that name
 * nobody any more. Okta reads a 4xx as final and never retries, so a stale id must not cost the push.
 */
import { GROUP_SCHEMA, USER_SCHEMA } from "../../../schema/urns";
import {
  expectGroupPatchOk,
  expectGroupsIfListed,
  expectLike,
  expectList,
  expectResource,
  expectStatus,
  memberIds,
  noneOrEmpty,
} from "../expect";
import type { Sequence, StepContext } from "../sequence";
import { oktaUser, patchBody } from "./okta-bodies";
import { filterQuery } from "./queries";

/** Ids that look like real ones (Okta's 00u..., UUIDs) but name nobody: users deleted since Okta's last sync. */
const STALE = ["00u1stale0000000000", "3f0c5d0e-7a51-4c5e-9d5e-0000deadbeef"];

async function newUsers(ctx: StepContext, n: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) {
    const x = await ctx.call("POST", "/Users", { body: oktaUser(`${label}${i}.${ctx.unique}@example.com`) });
    expectResource(x, 201, USER_SCHEMA);
    ids.push(x.body.id);
  }
  return ids;
}

async function newGroup(ctx: StepContext, displayName: string, members: string[] = []) {
  const x = await ctx.call("POST", "/Groups", {
    body: { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) },
  });
  expectResource(x, 201, GROUP_SCHEMA);
  return x.body.id as string;
}

async function members(ctx: StepContext, id: string) {
  const x = await ctx.call("GET", `/Groups/${id}`);
  expectResource(x, 200, GROUP_SCHEMA);
  return { x, ids: memberIds(x.body) };
}

const groupsOf = async (ctx: StepContext, userId: string) => {
  const x = await ctx.call("GET", `/Users/${userId}`);
  expectResource(x, 200, USER_SCHEMA);
  return { x, groups: x.body.groups };
};

export const oktaGroupBodies: Sequence = {
  id: "okta-bodies",
  title: "Okta custom SAML app: memberships in POST and PUT bodies, cleared groups, stale ids",
  profile: "okta",
  steps: [
    {
      name: "POST with members; PUT with a new list; PUT without members empties the group (RFC 7644 3.5.1)",
      async run(ctx) {
        const [a, b, c] = (await newUsers(ctx, 3, "bodies")) as [string, string, string];
        const displayName = `SAML Bodies ${ctx.unique}`;
        const created = await ctx.call("POST", "/Groups", {
          body: {
            schemas: [GROUP_SCHEMA],
            displayName,
            members: [
              { value: a, display: "a" },
              { value: b, display: "b" },
            ],
          },
        });
        expectResource(created, 201, GROUP_SCHEMA);
        expectLike(memberIds(created.body), [a, b].sort(), "members", created);
        const id = created.body.id;
        ctx.save("groupId", id);
        const first = await groupsOf(ctx, a);
        if (first.groups !== undefined)
          expectLike(first.groups, [{ value: id, display: displayName }], "groups", first.x);
        const put = await ctx.call("PUT", `/Groups/${id}`, {
          body: {
            schemas: [GROUP_SCHEMA],
            id,
            meta: { resourceType: "Group", created: "04-12-2018 00:00:00" },
            displayName,
            members: [{ value: b }, { value: c, display: "c" }],
          },
        });
        expectResource(put, 200, GROUP_SCHEMA);
        expectLike(memberIds(put.body), [b, c].sort(), "members", put);
        const after = await members(ctx, id);
        expectLike(after.ids, [b, c].sort(), "members", after.x);
        const left = await groupsOf(ctx, a);
        if (left.groups !== undefined) expectLike(left.groups, noneOrEmpty, "groups of a removed member", left.x);
        const bare = await ctx.call("PUT", `/Groups/${id}`, { body: { schemas: [GROUP_SCHEMA], displayName } });
        expectResource(bare, 200, GROUP_SCHEMA);
        const emptied = await members(ctx, id);
        expectLike(emptied.ids, [], "members after a PUT without members", emptied.x);
      },
    },
    {
      name: 'a pathless replace of {"members": []} clears the group, keeps it and its name; re-sent, it is a no-op',
      async run(ctx) {
        const [a, b] = (await newUsers(ctx, 2, "cleared")) as [string, string];
        const displayName = `Cleared ${ctx.unique}`;
        const id = await newGroup(ctx, displayName, [a, b]);
        ctx.save("clearedId", id);
        ctx.save("formerMember", b);
        const before = await members(ctx, id);
        const clear = patchBody({ op: "replace", value: { members: [] } });
        expectGroupPatchOk(await ctx.call("PATCH", `/Groups/${id}`, { body: clear }));
        const after = await members(ctx, id);
        expectLike(after.x.body, { displayName, members: noneOrEmpty }, "cleared group", after.x);
        if (before.x.body.meta.version !== undefined)
          expectLike(after.x.body.meta.version === before.x.body.meta.version, false, "meta.version changed", after.x);
        const user = await groupsOf(ctx, a);
        if (user.groups !== undefined) expectLike(user.groups, noneOrEmpty, "groups of a former member", user.x);
        expectGroupPatchOk(await ctx.call("PATCH", `/Groups/${id}`, { body: clear }));
      },
    },
    {
      name: "the same clear with the rename Okta sends alongside; a pathless replace with a list sets exactly that list",
      async run(ctx) {
        const [a, b] = (await newUsers(ctx, 2, "renamed")) as [string, string];
        const id = await newGroup(ctx, `Cleared Too ${ctx.unique}`, [a]);
        ctx.save("renamedId", id);
        const renamed = `Cleared Renamed ${ctx.unique}`;
        expectGroupPatchOk(
          await ctx.call("PATCH", `/Groups/${id}`, {
            body: patchBody({ op: "replace", value: { id, displayName: renamed, members: [] } }),
          }),
        );
        const after = await members(ctx, id);
        expectLike(
          after.x.body,
          { id, displayName: renamed, members: noneOrEmpty },
          "renamed and cleared group",
          after.x,
        );
        expectGroupPatchOk(
          await ctx.call("PATCH", `/Groups/${id}`, {
            body: patchBody({ op: "replace", value: { members: [{ value: b }] } }),
          }),
        );
        const set = await members(ctx, id);
        expectLike(set.ids, [b], "members", set.x);
      },
    },
    {
      name: "stale member ids in POST, PUT and PATCH: 2xx, and the known members are written (Okta never retries a 4xx)",
      async run(ctx) {
        const [a, b, c] = (await newUsers(ctx, 3, "stale")) as [string, string, string];
        const created = await ctx.call("POST", "/Groups", {
          body: {
            schemas: [GROUP_SCHEMA],
            displayName: `Stale ${ctx.unique}`,
            members: [{ value: a, display: "a" }, { value: STALE[0] }, { value: b, display: "b" }],
          },
        });
        expectResource(created, 201, GROUP_SCHEMA);
        const id = created.body.id;
        expectLike((await members(ctx, id)).ids, [a, b].sort(), "members after POST", created);
        const put = await ctx.call("PUT", `/Groups/${id}`, {
          body: {
            schemas: [GROUP_SCHEMA],
            displayName: `Stale ${ctx.unique}`,
            members: [{ value: b }, { value: STALE[0] }, { value: c }, { value: STALE[1] }],
          },
        });
        expectResource(put, 200, GROUP_SCHEMA);
        const afterPut = await members(ctx, id);
        expectLike(afterPut.ids, [b, c].sort(), "members after PUT", afterPut.x);
        const patch = await ctx.call("PATCH", `/Groups/${id}`, {
          body: patchBody(
            { op: "remove", path: `members[value eq "${b}"]` },
            { op: "add", path: "members", value: [{ value: a }, { value: STALE[1] }] },
          ),
        });
        expectGroupPatchOk(patch);
        const afterPatch = await members(ctx, id);
        expectLike(afterPatch.ids, [a, c].sort(), "members after PATCH", afterPatch.x);
        const lookup = await ctx.call("GET", `/Groups?${filterQuery(`displayName eq "Stale ${ctx.unique}"`)}`);
        expectList(lookup, 1);
        expectStatus(lookup, 200);
      },
    },
  ],
};

/** Okta's custom SAML apps cannot PATCH groups: they POST and PUT whole groups (clients.md). */
export const oktaSamlGroups: Sequence = {
  id: "okta-saml",
  title: "Okta custom SAML app: whole groups by POST and PUT",
  profile: "okta",
  steps: [
    {
      name: "POST a group with members; PUT the whole group (id, meta, new member list); PUT with members: [] empties it",
      async run(ctx) {
        const ids: string[] = [];
        for (const who of ["a", "b"]) {
          const u = await ctx.call("POST", "/Users", { body: oktaUser(`saml.${who}.${ctx.unique}@example.com`) });
          expectResource(u, 201, USER_SCHEMA);
          ids.push(u.body.id);
        }
        const [a, b] = ids as [string, string];
        const displayName = `SAML Group ${ctx.unique}`;
        const created = await ctx.call("POST", "/Groups", {
          body: { schemas: [GROUP_SCHEMA], displayName, members: [{ value: a, display: "a" }] },
        });
        expectResource(created, 201, GROUP_SCHEMA);
        expectLike(memberIds(created.body), [a], "members", created);
        const id = created.body.id;
        const put = await ctx.call("PUT", `/Groups/${id}`, {
          body: {
            ...created.body,
            meta: { ...created.body.meta, created: "04-12-2018 00:00:00" },
            displayName,
            members: [
              { value: a, display: "a" },
              { value: b, display: "b" },
            ],
          },
        });
        expectResource(put, 200, GROUP_SCHEMA);
        expectLike(memberIds(put.body), [a, b].sort(), "members", put);
        expectLike(put.body.meta.created, created.body.meta.created, "meta.created", put);
        const emptied = await ctx.call("PUT", `/Groups/${id}`, {
          body: { schemas: [GROUP_SCHEMA], id, displayName, members: [] },
        });
        expectResource(emptied, 200, GROUP_SCHEMA);
        expectLike(emptied.body.members, noneOrEmpty, "members", emptied);
        const user = await ctx.call("GET", `/Users/${b}`);
        expectGroupsIfListed(user, noneOrEmpty, "groups of a removed member");
      },
    },
  ],
};
