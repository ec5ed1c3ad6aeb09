/**
 * Microsoft Entra ID's PATCH dialect on users (clients.md, Entra): capitalised ops, pathless
 * values with dotted and URN keys, string booleans, filters that match nothing yet, `manager` in
 * three shapes, explicit nulls, empty Operations and attribute names in any case.
 */
import { ENTERPRISE_USER_SCHEMA as ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA } from "../../../schema/urns";
import type { Exchange } from "../exchange";
import { absent, equal, expectGroupPatchOk, expectLike, expectList, expectResource, including } from "../expect";
import type { Sequence, StepContext } from "../sequence";
import { createEntraUser, entra, getUser, ops } from "./entra-bodies";
import { filterQuery } from "./queries";

const mail = (ctx: StepContext, who: string) => `${who}.${ctx.unique}@contoso.com`;

export const entraPatch: Sequence = {
  id: "entra-patch",
  title: "Microsoft Entra ID: PATCH dialect",
  profile: "entra",
  steps: [
    {
      name: "capitalised and lower-case ops in one request",
      async run(ctx) {
        const u = await createEntraUser(ctx, mail(ctx, "dialect"));
        const x = await entra(
          ctx,
          "PATCH",
          `/Users/${u.id}`,
          ops(
            { op: "Add", path: "title", value: "Engineer" },
            { op: "replace", path: "displayName", value: "Dialect" },
            { op: "Replace", path: "nickName", value: "Dee" },
            { op: "Remove", path: "nickName" },
            { op: "add", path: "preferredLanguage", value: "en-GB" },
          ),
        );
        expectResource(x, 200, USER_SCHEMA);
        expectLike(
          x.body,
          { title: "Engineer", displayName: "Dialect", preferredLanguage: "en-GB", nickName: absent },
          "patched user",
          x,
        );
      },
    },
    {
      name: "pathless value with dotted keys, URN-qualified keys and a string boolean",
      async run(ctx) {
        const u = await createEntraUser(ctx, mail(ctx, "pathless"));
        const email = mail(ctx, "pat.less");
        const x = await entra(
          ctx,
          "PATCH",
          `/Users/${u.id}`,
          ops({
            op: "Replace",
            value: {
              "name.givenName": "Pat",
              "name.familyName": "Less",
              displayName: "Pat Less",
              active: "False",
              [`${ENTERPRISE}:employeeNumber`]: "701984",
              [`${ENTERPRISE}:department`]: "Tour Operations",
              'emails[type eq "work"].value': email,
            },
          }),
        );
        expectResource(x, 200, USER_SCHEMA);
        expectLike(
          x.body,
          {
            displayName: "Pat Less",
            active: false,
            name: { givenName: "Pat", familyName: "Less", formatted: "Given Family" },
            [ENTERPRISE]: equal({ employeeNumber: "701984", department: "Tour Operations" }),
            schemas: including(USER_SCHEMA, ENTERPRISE),
            emails: equal([{ primary: true, type: "work", value: email }]),
          },
          "patched user",
          x,
        );
      },
    },
    {
      name: 'add emails[type eq "work"].value on a user without a work email creates the element',
      async run(ctx) {
        const u = await createEntraUser(ctx, mail(ctx, "nowork"), {
          emails: [{ type: "home", value: mail(ctx, "home") }],
        });
        const work = mail(ctx, "work");
        const x = await entra(
          ctx,
          "PATCH",
          `/Users/${u.id}`,
          ops({ op: "Add", path: 'emails[type eq "work"].value', value: work }),
        );
        expectResource(x, 200, USER_SCHEMA);
        expectLike(
          x.body.emails,
          including({ type: "home", value: mail(ctx, "home") }, { type: "work", value: work }),
          "emails",
          x,
        );
        expectLike(x.body.emails.length, 2, "number of emails", x);
        expectList(await entra(ctx, "GET", `/Users?${filterQuery(`emails[type eq "work"].value eq "${work}"`)}`), 1);
      },
    },
    {
      name: "replace on a filter that matches nothing creates the element rather than failing",
      async run(ctx) {
        const u = await createEntraUser(ctx, mail(ctx, "nophone"));
        const x = await entra(
          ctx,
          "PATCH",
          `/Users/${u.id}`,
          ops(
            { op: "Replace", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 425 555 0100" },
            { op: "replace", path: 'addresses[type eq "work"].locality', value: "Redmond" },
          ),
        );
        expectResource(x, 200, USER_SCHEMA);
        expectLike(
          x.body,
          {
            phoneNumbers: [{ type: "mobile", value: "+1 425 555 0100" }],
            addresses: [{ type: "work", locality: "Redmond" }],
          },
          "patched user",
          x,
        );
      },
    },
    {
      name: 'roles with primary "True", then a roles[primary eq "True"].value path and filter',
      async run(ctx) {
        const u = await createEntraUser(ctx, mail(ctx, "roles"));
        const added = await entra(
          ctx,
          "PATCH",
          `/Users/${u.id}`,
          ops({
            op: "Add",
            path: "roles",
            value: [{ primary: "True", type: "WindowsAzureActiveDirectoryRole", value: "Admin" }],
          }),
        );
        expectResource(added, 200, USER_SCHEMA);
        expectLike(
          added.body.roles,
          equal([{ primary: true, type: "WindowsAzureActiveDirectoryRole", value: "Admin" }]),
          "roles",
          added,
        );
        const replaced = await entra(
          ctx,
          "PATCH",
          `/Users/${u.id}`,
          ops({ op: "Replace", path: 'roles[primary eq "True"].value', value: "Reader" }),
        );
        expectResource(replaced, 200, USER_SCHEMA);
        expectLike(replaced.body.roles, [{ primary: true, value: "Reader" }], "roles", replaced);
        const found = await entra(ctx, "GET", `/Users?${filterQuery('roles[primary eq "True"].value eq "Reader"')}`);
        expectList(found);
        expectLike(found.body.Resources, including({ id: u.id }), "users with the role", found);
      },
    },
    {
      name: 'manager as {value}, as [{value,$ref}], as a bare id; "" and null clear it',
      async run(ctx) {
        const boss = await createEntraUser(ctx, mail(ctx, "boss"));
        const boss2 = await createEntraUser(ctx, mail(ctx, "boss2"));
        const u = await createEntraUser(ctx, mail(ctx, "report"));
        const path = `${ENTERPRISE}:manager`;
        const manager = async (op: unknown, expected: unknown, what: string) => {
          const x: Exchange = await entra(ctx, "PATCH", `/Users/${u.id}`, ops(op));
          expectResource(x, 200, USER_SCHEMA);
          expectLike(x.body[ENTERPRISE]?.manager, expected, what, x);
        };
        await manager({ op: "Replace", path, value: { value: boss.id } }, { value: boss.id }, "manager as {value}");
        await manager(
          { op: "Add", path, value: [{ $ref: null, value: boss2.id }] },
          { value: boss2.id },
          "as [{value,$ref}]",
        );
        await manager({ op: "Replace", path, value: boss.id }, { value: boss.id }, "manager as a bare id");
        await manager({ op: "Replace", path, value: "" }, absent, 'manager after ""');
        await manager({ op: "Replace", path, value: { value: boss.id } }, { value: boss.id }, "manager set again");
        await manager({ op: "Replace", path, value: null }, absent, "manager after null");
        await manager({ op: "Replace", path, value: { value: boss.id } }, { value: boss.id }, "manager set again");
        await manager({ op: "Remove", path }, absent, "manager after Remove");
        // manager on create (a bare id, as some Entra mappings send it) and in a pathless value.
        const v = await createEntraUser(ctx, mail(ctx, "report2"), { [ENTERPRISE]: { manager: boss.id } });
        expectLike(
          (v as Record<string, { manager?: unknown }>)[ENTERPRISE]?.manager,
          { value: boss.id },
          "manager on create",
        );
        const pathless = await entra(
          ctx,
          "PATCH",
          `/Users/${v.id}`,
          ops({ op: "replace", value: { [`${ENTERPRISE}:manager`]: { value: boss2.id } } }),
        );
        expectResource(pathless, 200, USER_SCHEMA);
        expectLike(pathless.body[ENTERPRISE]?.manager, { value: boss2.id }, "manager in a pathless value", pathless);
      },
    },
    {
      name: 'explicit null and "" clear attributes, by path and in pathless values',
      async run(ctx) {
        const u = await createEntraUser(ctx, mail(ctx, "clear"), {
          title: "T",
          nickName: "N",
          displayName: "D",
          locale: "en-US",
        });
        const x = await entra(
          ctx,
          "PATCH",
          `/Users/${u.id}`,
          ops(
            { op: "Replace", path: "title", value: null },
            { op: "Replace", path: "nickName", value: "" },
            { op: "Replace", value: { displayName: null, locale: "", "name.givenName": "" } },
          ),
        );
        expectResource(x, 200, USER_SCHEMA);
        expectLike(
          x.body,
          {
            title: absent,
            nickName: absent,
            displayName: absent,
            locale: absent,
            name: equal({ formatted: "Given Family", familyName: "Family" }),
            userName: mail(ctx, "clear"),
          },
          "cleared user",
          x,
        );
      },
    },
    {
      name: "empty Operations is a no-op answered with the user (or 204 for a group), not a 500",
      async run(ctx) {
        const u = await createEntraUser(ctx, mail(ctx, "empty"));
        const before = await getUser(ctx, u.id);
        const x = await entra(ctx, "PATCH", `/Users/${u.id}`, ops());
        expectResource(x, 200, USER_SCHEMA);
        expectLike(x.body.meta.version, before.meta.version, "meta.version after no change", x);
        const g = await entra(ctx, "POST", "/Groups", {
          body: { schemas: [GROUP_SCHEMA], displayName: `Empty Ops ${ctx.unique}` },
        });
        expectResource(g, 201, GROUP_SCHEMA);
        expectGroupPatchOk(await entra(ctx, "PATCH", `/Groups/${g.body.id}`, ops()));
      },
    },
    {
      name: "sloppy attribute-name case in bodies, paths and filters",
      async run(ctx) {
        const name = mail(ctx, "sloppy");
        const x = await entra(ctx, "POST", "/Users", {
          body: {
            schemas: [USER_SCHEMA],
            UserName: name,
            Active: "TRUE",
            Emails: [{ Primary: true, Type: "work", Value: name }],
            NAME: { GivenName: "Slo", familyname: "Ppy" },
          },
        });
        expectResource(x, 201, USER_SCHEMA);
        expectLike(
          x.body,
          {
            userName: name,
            active: true,
            emails: [{ primary: true, type: "work", value: name }],
            name: { givenName: "Slo", familyName: "Ppy" },
          },
          "created user",
          x,
        );
        const patched = await entra(
          ctx,
          "PATCH",
          `/Users/${x.body.id}`,
          ops(
            { op: "Replace", path: "DisplayName", value: "Sloppy" },
            { op: "Replace", path: 'EMAILS[TYPE eq "work"].VALUE', value: mail(ctx, "sloppy2") },
          ),
        );
        expectResource(patched, 200, USER_SCHEMA);
        expectLike(
          patched.body,
          { displayName: "Sloppy", emails: equal([{ primary: true, type: "work", value: mail(ctx, "sloppy2") }]) },
          "patched user",
          patched,
        );
        const found = await entra(
          ctx,
          "GET",
          `/Users?${filterQuery(`DisplayName eq "sloppy" and USERNAME eq "${name.toUpperCase()}"`)}`,
        );
        expectList(found, 1);
        expectLike(found.body.Resources[0].id, x.body.id, "found user", found);
      },
    },
  ],
};
