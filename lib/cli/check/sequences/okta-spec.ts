/**
 * Okta's "SCIM 2.0 SPEC Test" (clients.md, Okta): the order Okta runs it in, the bodies it sends
 * and what it checks. It needs one user to exist before it starts, so the first step makes one.
 */
import { randomUUID } from "node:crypto";
import { GROUP_SCHEMA, RESOURCE_TYPE_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA, USER_SCHEMA } from "../../../schema/urns";
import {
  a,
  ensure,
  expectError,
  expectLike,
  expectList,
  expectResource,
  expectScimJson,
  expectStatus,
  including,
  not,
} from "../expect";
import type { Sequence, StepContext } from "../sequence";
import { filterQuery } from "./queries";

/** Okta's runner makes up a user per run: `{{randomUsername}}` and friends. */
function oktaSpecUser(unique: string) {
  const userName = `Runscope${unique}Okta@atko.com`;
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: `Given${unique}`, familyName: `Family${unique}` },
    emails: [{ primary: true, value: userName, type: "work" }],
    displayName: `Given${unique} Family${unique}`,
    locale: "en-US",
    externalId: `00u${unique}`,
    groups: [],
    password: "1mP@ssw0rd!placeholder",
    active: true,
  };
}

const lookup = (ctx: StepContext, userName: string) =>
  ctx.call("GET", `/Users?${filterQuery(`userName eq "${userName}"`)}&startIndex=1&count=100`);

export const oktaSpec: Sequence = {
  id: "okta-spec",
  title: "Okta SCIM 2.0 SPEC Test",
  profile: "okta",
  steps: [
    {
      name: "seed: the spec test needs one user to exist before it starts",
      async run(ctx) {
        const userName = `seed.${ctx.unique}@example.com`;
        const x = await ctx.call("POST", "/Users", {
          body: {
            schemas: [USER_SCHEMA],
            userName,
            name: { givenName: "Seed", familyName: "User" },
            emails: [{ primary: true, value: userName, type: "work" }],
            active: true,
          },
        });
        expectResource(x, 201, USER_SCHEMA);
        ctx.save("seededId", x.body.id);
        ctx.save("seededName", userName);
      },
    },
    {
      name: "GET /ServiceProviderConfig: patch, bulk, filter, changePassword, sort, etag, authenticationSchemes",
      async run(ctx) {
        const x = await ctx.call("GET", "/ServiceProviderConfig");
        expectStatus(x, 200);
        expectScimJson(x);
        expectLike(x.body.schemas, [SERVICE_PROVIDER_CONFIG_SCHEMA], "schemas", x);
        for (const feature of ["patch", "bulk", "filter", "changePassword", "sort", "etag"])
          expectLike(x.body[feature], { supported: a("boolean") }, feature, x);
        expectLike(x.body, { patch: { supported: true }, filter: { supported: true } }, "ServiceProviderConfig", x);
        ensure(
          Number.isInteger(x.body.filter.maxResults) && x.body.filter.maxResults > 0,
          "filter.maxResults must be a positive integer",
          x,
        );
        ensure(Number.isInteger(x.body.bulk.maxOperations), "bulk.maxOperations must be an integer", x);
        ensure(Number.isInteger(x.body.bulk.maxPayloadSize), "bulk.maxPayloadSize must be an integer", x);
        ensure(
          Array.isArray(x.body.authenticationSchemes) && x.body.authenticationSchemes.length > 0,
          "authenticationSchemes must list at least one scheme",
          x,
        );
        expectLike(
          x.body.authenticationSchemes[0],
          { type: "oauthbearertoken", name: a("string"), description: a("string") },
          "authenticationSchemes[0]",
          x,
        );
      },
    },
    {
      name: "connection test: GET /Users?startIndex=1&count=2 is a ListResponse with a user",
      async run(ctx) {
        const x = await ctx.call("GET", "/Users?startIndex=1&count=2");
        expectList(x);
        expectLike(x.body.startIndex, 1, "startIndex", x);
        ensure(x.body.Resources.length > 0, "expected at least one user (the seeded one)", x);
        // The spec test reads these off the first user.
        expectLike(
          x.body.Resources[0],
          { schemas: including(USER_SCHEMA), id: a("string"), userName: a("string") },
          "the first user",
          x,
        );
      },
    },
    {
      name: "connection test for groups: GET /Groups?startIndex=1&count=100 is 200 even when empty",
      async run(ctx) {
        expectList(await ctx.call("GET", "/Groups?startIndex=1&count=100"));
      },
    },
    {
      name: "a bogus token is 401 in the SCIM error format, with a Bearer challenge; no token is 401 too",
      async run(ctx) {
        const x = await ctx.call("GET", "/Users?startIndex=1&count=1", { token: "bogus-okta-token-0000000000" });
        expectError(x, 401);
        ensure(/^Bearer/i.test(x.headers.get("www-authenticate") ?? ""), "401 needs WWW-Authenticate: Bearer", x);
        ensure(!x.text.includes(ctx.need("seededName")), "a 401 must not carry user data", x);
        expectError(await ctx.call("GET", "/Users", { token: null }), 401);
      },
    },
    {
      name: "list users: GET /Users?count=1&startIndex=1 (with Okta's Content-Type on a GET)",
      async run(ctx) {
        const x = await ctx.call("GET", "/Users?count=1&startIndex=1", {
          contentType: "application/scim+json; charset=utf-8",
        });
        expectList(x);
        expectLike(x.body.Resources, [{ id: a("string") }], "Resources", x);
      },
    },
    {
      name: "get a user by id: GET /Users/{id}, with meta.location and an ETag matching meta.version",
      async run(ctx) {
        const id = ctx.need("seededId");
        const x = await ctx.call("GET", `/Users/${id}`);
        expectResource(x, 200, USER_SCHEMA);
        expectLike(
          x.body,
          { id, userName: ctx.need("seededName"), active: true, meta: { location: `${ctx.base}/Users/${id}` } },
          "user",
          x,
        );
        const etag = x.headers.get("etag");
        if (etag !== null) expectLike(etag, x.body.meta.version, "ETag (meta.version)", x);
      },
    },
    {
      name: "lookup by userName for a random user that does not exist: 200, empty list",
      async run(ctx) {
        const x = await lookup(ctx, oktaSpecUser(ctx.unique).userName);
        expectList(x, 0);
        expectLike(x.body.Resources, [], "Resources", x);
      },
    },
    {
      name: "create the user with Okta's body, sent without a Content-Type: 201 with the full resource",
      async run(ctx) {
        const body = oktaSpecUser(ctx.unique);
        const x = await ctx.call("POST", "/Users", { body, contentType: null });
        expectResource(x, 201, USER_SCHEMA);
        ctx.save("createdId", x.body.id);
        expectLike(
          x.body,
          {
            userName: body.userName,
            name: body.name,
            emails: [{ primary: true, value: body.userName, type: "work" }],
            displayName: body.displayName,
            locale: "en-US",
            externalId: body.externalId,
            active: true,
            id: not(ctx.need("seededId")),
            meta: { resourceType: "User", location: `${ctx.base}/Users/${x.body.id}` },
          },
          "created user",
          x,
        );
        const location = x.headers.get("location");
        ensure(location === x.body.meta.location, `Location ${location} must equal meta.location`, x);
      },
    },
    {
      name: "verify the user was created: GET /Users/{id}",
      async run(ctx) {
        const id = ctx.need("createdId");
        const body = oktaSpecUser(ctx.unique);
        const x = await ctx.call("GET", `/Users/${id}`);
        expectResource(x, 200, USER_SCHEMA);
        expectLike(x.body, { id, userName: body.userName, active: true, name: body.name }, "user", x);
      },
    },
    {
      name: "the same lookup now finds exactly that user",
      async run(ctx) {
        const id = ctx.need("createdId");
        const x = await lookup(ctx, oktaSpecUser(ctx.unique).userName);
        expectList(x, 1);
        expectLike(x.body.Resources[0], { id, userName: oktaSpecUser(ctx.unique).userName }, "found user", x);
      },
    },
    {
      name: "recreating the same user is 409 uniqueness, and nothing new is stored",
      async run(ctx) {
        ctx.need("createdId");
        const body = oktaSpecUser(ctx.unique);
        expectError(await ctx.call("POST", "/Users", { body, contentType: null }), 409, "uniqueness");
        expectList(await lookup(ctx, body.userName), 1);
      },
    },
    {
      name: "userName case sensitivity check: upper- and lower-cased lookups find the user",
      async run(ctx) {
        const id = ctx.need("createdId");
        const { userName } = oktaSpecUser(ctx.unique);
        for (const variant of [userName.toUpperCase(), userName.toLowerCase()]) {
          const x = await lookup(ctx, variant);
          expectList(x, 1);
          expectLike(x.body.Resources[0].id, id, `id found by ${variant}`, x);
        }
      },
    },
    {
      name: "an unknown id is 404 with a detail",
      async run(ctx) {
        expectError(await ctx.call("GET", `/Users/${randomUUID()}`), 404);
      },
    },
    {
      name: "filter for a non-existent user: 200 with an empty list",
      async run(ctx) {
        const x = await ctx.call("GET", `/Users?${filterQuery(`userName eq "${randomUUID()}@atko.com"`)}`);
        expectList(x, 0);
        expectLike(x.body, { Resources: [], startIndex: 1 }, "empty list", x);
      },
    },
    {
      name: "import: pages of startIndex=1, then 2, with count=1 are different users",
      async run(ctx) {
        ctx.need("createdId");
        const pages = [];
        for (const start of [1, 2]) {
          const x = await ctx.call("GET", `/Users?startIndex=${start}&count=1`);
          expectList(x);
          expectLike(x.body, { startIndex: start, Resources: [{ id: a("string") }] }, `page ${start}`, x);
          pages.push(x);
        }
        const [one, two] = pages as [(typeof pages)[0], (typeof pages)[0]];
        ensure(one.body.Resources[0].id !== two.body.Resources[0].id, "pages 1 and 2 hold the same user", two);
      },
    },
    {
      name: "the Governance templates read /ResourceTypes and /Schemas first",
      async run(ctx) {
        const types = await ctx.call("GET", "/ResourceTypes");
        expectList(types);
        expectLike(types.body.Resources, including({ name: "User" }, { name: "Group" }), "ResourceTypes", types);
        for (const r of types.body.Resources) expectLike(r.schemas, including(RESOURCE_TYPE_SCHEMA), "schemas", types);
        const schemas = await ctx.call("GET", "/Schemas");
        expectList(schemas);
        expectLike(schemas.body.Resources, including({ id: USER_SCHEMA }, { id: GROUP_SCHEMA }), "Schemas", schemas);
      },
    },
  ],
};
