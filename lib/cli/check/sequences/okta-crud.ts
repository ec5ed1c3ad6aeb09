/**
 * Okta's "CRUD Test" (create, profile update, deactivate, reactivate) and its group push by
 * PATCH (clients.md, Okta): each a recorded sequence whose steps share the ids Okta saves.
 */
import { GROUP_SCHEMA, USER_SCHEMA } from "../../../schema/urns";
import {
  ensure,
  expectError,
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

const byUserName = (ctx: StepContext, userName: string) =>
  ctx.call("GET", `/Users?${filterQuery(`userName eq "${userName}"`)}&startIndex=1&count=100`);

async function userByName(ctx: StepContext, userName: string) {
  const x = await byUserName(ctx, userName);
  expectList(x, 1);
  return { x, user: x.body.Resources[0] };
}

const crudName = (ctx: StepContext) => `crud.${ctx.unique}@example.com`;

export const oktaCrud: Sequence = {
  id: "okta-crud",
  title: "Okta CRUD Test: create, profile update, deactivate, reactivate",
  profile: "okta",
  steps: [
    {
      name: "lookup before create finds nothing; create answers 201 with the full resource; a pushed group holds the user",
      async run(ctx) {
        const userName = crudName(ctx);
        expectList(await byUserName(ctx, userName), 0);
        const x = await ctx.call("POST", "/Users", { body: oktaUser(userName) });
        expectResource(x, 201, USER_SCHEMA);
        expectLike(
          x.body,
          { userName, active: true, groups: noneOrEmpty, name: { givenName: "Ada", familyName: "Lovelace" } },
          "created user",
          x,
        );
        ctx.save("id", x.body.id);
        // Membership made by group push, so the steps below can check it survives them.
        const g = await ctx.call("POST", "/Groups", {
          body: { schemas: [GROUP_SCHEMA], displayName: `CRUD Team ${ctx.unique}`, members: [{ value: x.body.id }] },
        });
        expectResource(g, 201, GROUP_SCHEMA);
        ctx.save("groupId", g.body.id);
      },
    },
    {
      name: "profile update: GET, then PUT the whole object back with id, junk meta dates, groups and password",
      async run(ctx) {
        const id = ctx.need("id");
        const groupId = ctx.need("groupId");
        const current = await ctx.call("GET", `/Users/${id}`);
        expectResource(current, 200, USER_SCHEMA);
        const body = {
          ...current.body,
          meta: { ...current.body.meta, created: "04-12-2018 00:00:00", lastModified: "04-12-2018 00:00:00" },
          password: "n3wPl@ceholder",
          name: { givenName: "Augusta", familyName: "King" },
          displayName: "Augusta King",
          title: "Countess",
        };
        const x = await ctx.call("PUT", `/Users/${id}`, { body });
        expectResource(x, 200, USER_SCHEMA);
        expectLike(
          x.body,
          {
            id,
            userName: crudName(ctx),
            displayName: "Augusta King",
            title: "Countess",
            name: { givenName: "Augusta", familyName: "King" },
            meta: { created: current.body.meta.created },
          },
          "replaced user",
          x,
        );
        if (current.body.meta.version !== undefined)
          ensure(x.body.meta.version !== current.body.meta.version, "meta.version must change on a change", x);
        expectGroupsIfListed(x, [{ value: groupId, display: `CRUD Team ${ctx.unique}` }], "groups");
        const again = await ctx.call("GET", `/Users/${id}`);
        expectLike(again.body.displayName, "Augusta King", "displayName read back", again);
      },
    },
    {
      name: "deactivate (OIN app): pathless PATCH replace {active:false}: 200 with the user",
      async run(ctx) {
        const x = await ctx.call("PATCH", `/Users/${ctx.need("id")}`, {
          body: patchBody({ op: "replace", value: { active: false } }),
        });
        expectResource(x, 200, USER_SCHEMA);
        expectLike(x.body, { active: false, displayName: "Augusta King" }, "deactivated user", x);
      },
    },
    {
      name: "a deactivated user stays readable by id and by filter, and keeps its groups",
      async run(ctx) {
        const id = ctx.need("id");
        const groupId = ctx.need("groupId");
        const byId = await ctx.call("GET", `/Users/${id}`);
        expectResource(byId, 200, USER_SCHEMA);
        expectLike(byId.body.active, false, "active", byId);
        expectGroupsIfListed(byId, [{ value: groupId }], "groups");
        const { x, user } = await userByName(ctx, crudName(ctx));
        expectLike(user, { id, active: false }, "found user", x);
        const group = await ctx.call("GET", `/Groups/${groupId}`);
        expectResource(group, 200, GROUP_SCHEMA);
        expectLike(memberIds(group.body), [id], "members", group);
      },
    },
    {
      name: "reactivate by pathless PATCH {active:true}",
      async run(ctx) {
        const x = await ctx.call("PATCH", `/Users/${ctx.need("id")}`, {
          body: patchBody({ op: "replace", value: { active: true } }),
        });
        expectResource(x, 200, USER_SCHEMA);
        expectLike(x.body.active, true, "active", x);
      },
    },
    {
      name: "deactivate (custom SAML app): full PUT with active:false; then reactivate with active:true",
      async run(ctx) {
        const id = ctx.need("id");
        const groupId = ctx.need("groupId");
        const current = await ctx.call("GET", `/Users/${id}`);
        expectResource(current, 200, USER_SCHEMA);
        const off = await ctx.call("PUT", `/Users/${id}`, { body: { ...current.body, active: false, password: "p" } });
        expectResource(off, 200, USER_SCHEMA);
        expectLike(off.body.active, false, "active", off);
        const { x, user } = await userByName(ctx, crudName(ctx));
        expectLike(user, { id, active: false }, "found user", x);
        expectGroupsIfListed(x, [{ value: groupId }], "groups", user);
        const on = await ctx.call("PUT", `/Users/${id}`, { body: { ...off.body, active: true } });
        expectResource(on, 200, USER_SCHEMA);
        expectLike(on.body, { active: true, title: "Countess" }, "reactivated user", on);
        expectGroupsIfListed(on, [{ value: groupId }], "groups");
      },
    },
  ],
};

const pushName = (ctx: StepContext) => `Push Engineering ${ctx.unique}`;
const shortName = (ctx: StepContext) => `Push Eng ${ctx.unique}`;
const rename = (groupId: string, displayName: string) =>
  patchBody({ op: "replace", value: { id: groupId, displayName } });

async function group(ctx: StepContext, groupId: string) {
  const x = await ctx.call("GET", `/Groups/${groupId}`);
  expectResource(x, 200, GROUP_SCHEMA);
  return x;
}

export const oktaGroupPush: Sequence = {
  id: "okta-push",
  title: "Okta group push",
  profile: "okta",
  steps: [
    {
      name: "three users to push (POST /Users)",
      async run(ctx) {
        for (const who of ["alice", "bob", "carol"]) {
          const x = await ctx.call("POST", "/Users", { body: oktaUser(`${who}.${ctx.unique}@example.com`) });
          expectResource(x, 201, USER_SCHEMA);
          ctx.save(who, x.body.id);
        }
      },
    },
    {
      name: "lookup by displayName finds nothing; POST {displayName, members: []} is 201",
      async run(ctx) {
        const lookup = `/Groups?${filterQuery(`displayName eq "${pushName(ctx)}"`)}&startIndex=1&count=100`;
        expectList(await ctx.call("GET", lookup), 0);
        const x = await ctx.call("POST", "/Groups", {
          body: { schemas: [GROUP_SCHEMA], displayName: pushName(ctx), members: [] },
        });
        expectResource(x, 201, GROUP_SCHEMA);
        expectLike(x.body, { displayName: pushName(ctx), members: noneOrEmpty }, "created group", x);
        expectLike(x.headers.get("location"), `${ctx.base}/Groups/${x.body.id}`, "Location", x);
        ctx.save("groupId", x.body.id);
      },
    },
    {
      name: "find by displayName eq (any case)",
      async run(ctx) {
        const groupId = ctx.need("groupId");
        for (const name of [pushName(ctx), pushName(ctx).toLowerCase()]) {
          const x = await ctx.call("GET", `/Groups?${filterQuery(`displayName eq "${name}"`)}&startIndex=1&count=100`);
          expectList(x, 1);
          expectLike(x.body.Resources[0], { id: groupId, displayName: pushName(ctx) }, `found by ${name}`, x);
        }
      },
    },
    {
      name: "rename by pathless replace carrying id and displayName; re-sent, it changes nothing",
      async run(ctx) {
        const groupId = ctx.need("groupId");
        expectGroupPatchOk(await ctx.call("PATCH", `/Groups/${groupId}`, { body: rename(groupId, shortName(ctx)) }));
        const first = await group(ctx, groupId);
        expectLike(first.body, { id: groupId, displayName: shortName(ctx) }, "renamed group", first);
        expectGroupPatchOk(await ctx.call("PATCH", `/Groups/${groupId}`, { body: rename(groupId, shortName(ctx)) }));
        const again = await group(ctx, groupId);
        expectLike(again.body, { id: groupId, displayName: shortName(ctx) }, "renamed group", again);
        expectLike(again.body.meta.version, first.body.meta.version, "meta.version after a no-op rename", again);
      },
    },
    {
      name: "add members (array value with display), with the rename re-sent around it",
      async run(ctx) {
        const groupId = ctx.need("groupId");
        const [alice, bob] = [ctx.need("alice"), ctx.need("bob")];
        expectGroupPatchOk(await ctx.call("PATCH", `/Groups/${groupId}`, { body: rename(groupId, shortName(ctx)) }));
        const add = patchBody({
          op: "add",
          path: "members",
          value: [
            { value: alice, display: "alice" },
            { value: bob, display: "bob" },
          ],
        });
        expectGroupPatchOk(await ctx.call("PATCH", `/Groups/${groupId}`, { body: add }));
        expectGroupPatchOk(await ctx.call("PATCH", `/Groups/${groupId}`, { body: rename(groupId, shortName(ctx)) }));
        const g = await group(ctx, groupId);
        expectLike(memberIds(g.body), [alice, bob].sort(), "members", g);
        expectLike(g.body.displayName, shortName(ctx), "displayName", g);
      },
    },
    {
      name: 'one PATCH mixing remove members[value eq "id"] with an add',
      async run(ctx) {
        const groupId = ctx.need("groupId");
        const [alice, bob, carol] = [ctx.need("alice"), ctx.need("bob"), ctx.need("carol")];
        const x = await ctx.call("PATCH", `/Groups/${groupId}`, {
          body: patchBody(
            { op: "remove", path: `members[value eq "${alice}"]` },
            { op: "add", path: "members", value: [{ value: carol, display: "carol" }] },
          ),
        });
        expectGroupPatchOk(x);
        const g = await group(ctx, groupId);
        expectLike(memberIds(g.body), [bob, carol].sort(), "members", g);
        const a = await ctx.call("GET", `/Users/${alice}`);
        expectGroupsIfListed(a, noneOrEmpty, "alice's groups");
        const c = await ctx.call("GET", `/Users/${carol}`);
        expectGroupsIfListed(c, [{ value: groupId, display: shortName(ctx) }], "carol's groups");
      },
    },
    {
      name: "rename and membership in the same PATCH",
      async run(ctx) {
        const groupId = ctx.need("groupId");
        const x = await ctx.call("PATCH", `/Groups/${groupId}`, {
          body: patchBody(
            { op: "replace", value: { id: groupId, displayName: pushName(ctx) } },
            { op: "remove", path: `members[value eq "${ctx.need("bob")}"]` },
          ),
        });
        expectGroupPatchOk(x);
        const g = await group(ctx, groupId);
        expectLike(g.body.displayName, pushName(ctx), "displayName", g);
        expectLike(memberIds(g.body), [ctx.need("carol")], "members", g);
      },
    },
    {
      name: "full replace of members",
      async run(ctx) {
        const groupId = ctx.need("groupId");
        const [alice, bob] = [ctx.need("alice"), ctx.need("bob")];
        const x = await ctx.call("PATCH", `/Groups/${groupId}`, {
          body: patchBody({
            op: "replace",
            path: "members",
            value: [
              { value: alice, display: "a" },
              { value: bob, display: "b" },
            ],
          }),
        });
        expectGroupPatchOk(x);
        const g = await group(ctx, groupId);
        expectLike(memberIds(g.body), [alice, bob].sort(), "members", g);
      },
    },
    {
      name: "removing a member that is not there is a no-op, not an error",
      async run(ctx) {
        const groupId = ctx.need("groupId");
        const x = await ctx.call("PATCH", `/Groups/${groupId}`, {
          body: patchBody({ op: "remove", path: `members[value eq "${ctx.need("carol")}"]` }),
        });
        expectGroupPatchOk(x);
        const g = await group(ctx, groupId);
        expectLike(memberIds(g.body), [ctx.need("alice"), ctx.need("bob")].sort(), "members", g);
      },
    },
    {
      name: "unlinking the push deletes the group: 204, then 404; users lose the membership",
      async run(ctx) {
        const groupId = ctx.need("groupId");
        const x = await ctx.call("DELETE", `/Groups/${groupId}`, { contentType: "application/scim+json" });
        expectStatus(x, 204);
        ensure(x.text === "", "a 204 has no body", x);
        expectError(await ctx.call("GET", `/Groups/${groupId}`), 404);
        const a = await ctx.call("GET", `/Users/${ctx.need("alice")}`);
        expectResource(a, 200, USER_SCHEMA);
        expectGroupsIfListed(a, noneOrEmpty, "alice's groups");
      },
    },
  ],
};
