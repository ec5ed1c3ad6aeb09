/**
 * Replay of Okta's "SCIM 2.0 SPEC Test" (clients.md, Okta) against a real listening server.
 * The steps run in the order Okta runs them and share state as Okta's runner does (the ids it
 * saves between requests); each step asserts the status and the shape Okta checks.
 */
import { randomUUID } from "node:crypto";
import { expectList, expectResource, filterQuery, liveServer, type LiveServer } from "./app";
import {
  ERROR_SCHEMA,
  GROUP_SCHEMA,
  LIST_SCHEMA,
  SCIM_CONTENT_TYPE,
  USER_SCHEMA,
  expectScimError,
} from "../helpers/fixtures";

const SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

describe("Okta SCIM 2.0 SPEC Test, replayed", () => {
  let server: LiveServer;
  let seededId: string;
  // Okta's runner makes up a user per run: `{{randomUsername}}` and friends.
  const suffix = randomUUID().slice(0, 8);
  const userName = `Runscope${suffix}Okta@atko.com`;
  const oktaCreateBody = {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: `Given${suffix}`, familyName: `Family${suffix}` },
    emails: [{ primary: true, value: userName, type: "work" }],
    displayName: `Given${suffix} Family${suffix}`,
    locale: "en-US",
    externalId: `00u${suffix}`,
    groups: [],
    password: "1mP@ssw0rd!placeholder",
    active: true,
  };
  let createdId: string;

  beforeAll(async () => {
    server = await liveServer({ profile: "okta" });
    // clients.md: the spec test needs at least one user to exist before it runs.
    const seeded = await server.call("POST", "/Users", {
      body: {
        schemas: [USER_SCHEMA],
        userName: "seed.user@example.com",
        name: { givenName: "Seed", familyName: "User" },
        emails: [{ primary: true, value: "seed.user@example.com", type: "work" }],
        active: true,
      },
    });
    expect(seeded.status).toBe(201);
    seededId = seeded.body.id;
  });
  afterAll(() => server.close());

  test("1. GET /ServiceProviderConfig: patch, bulk, filter, changePassword, sort, etag, authenticationSchemes", async () => {
    const x = await server.call("GET", "/ServiceProviderConfig");
    expect(x.status).toBe(200);
    expect(x.headers.get("content-type")).toBe(SCIM_CONTENT_TYPE);
    expect(x.body.schemas).toEqual([SPC_SCHEMA]);
    for (const feature of ["patch", "bulk", "filter", "changePassword", "sort", "etag"]) {
      expect(typeof x.body[feature]?.supported).toBe("boolean");
    }
    expect(x.body.patch.supported).toBe(true);
    expect(x.body.filter.supported).toBe(true);
    expect(Number.isInteger(x.body.filter.maxResults)).toBe(true);
    expect(x.body.filter.maxResults).toBeGreaterThan(0);
    expect(Number.isInteger(x.body.bulk.maxOperations)).toBe(true);
    expect(Number.isInteger(x.body.bulk.maxPayloadSize)).toBe(true);
    expect(Array.isArray(x.body.authenticationSchemes)).toBe(true);
    expect(x.body.authenticationSchemes.length).toBeGreaterThan(0);
    expect(x.body.authenticationSchemes[0]).toMatchObject({
      type: "oauthbearertoken",
      name: expect.any(String),
      description: expect.any(String),
    });
  });

  test("2. connection test: GET /Users?startIndex=1&count=2 is a ListResponse with the seeded user", async () => {
    const x = await server.call("GET", "/Users?startIndex=1&count=2");
    expectList(x, 1);
    expect(x.body.startIndex).toBe(1);
    const [first] = x.body.Resources;
    // The spec test reads these off the first user.
    expect(first).toMatchObject({
      schemas: expect.arrayContaining([USER_SCHEMA]),
      id: seededId,
      userName: "seed.user@example.com",
      name: { givenName: "Seed", familyName: "User" },
      active: true,
      emails: [expect.objectContaining({ value: "seed.user@example.com" })],
    });
  });

  test("3. connection test for groups: GET /Groups?startIndex=1&count=100 is 200 even when empty", async () => {
    const x = await server.call("GET", "/Groups?startIndex=1&count=100");
    expectList(x, 0);
    expect(x.body).toEqual({ schemas: [LIST_SCHEMA], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  test("4. a bogus token is 401 in the SCIM error format, with a Bearer challenge", async () => {
    const x = await server.call("GET", "/Users?startIndex=1&count=1", { token: "bogus-okta-token-0000000000" });
    expectScimError(x, 401);
    expect(x.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(x.text).not.toContain("seed.user");
    const none = await server.call("GET", "/Users", { token: null });
    expectScimError(none, 401);
  });

  test("5. list users: GET /Users?count=1&startIndex=1 (with Okta's Content-Type on a GET) and save the first id", async () => {
    const x = await server.call("GET", "/Users?count=1&startIndex=1", {
      contentType: "application/scim+json; charset=utf-8",
    });
    expectList(x, 1);
    expect(x.body.Resources).toHaveLength(1);
    expect(x.body.Resources[0].id).toBe(seededId);
  });

  test("6. get a user by id: GET /Users/{id}", async () => {
    const x = await server.call("GET", `/Users/${seededId}`);
    expectResource(x, 200, USER_SCHEMA);
    expect(x.body).toMatchObject({
      id: seededId,
      userName: "seed.user@example.com",
      active: true,
      meta: { location: `${server.base}/Users/${seededId}` },
    });
    expect(x.headers.get("etag")).toBe(x.body.meta.version);
  });

  test("7. lookup by userName for a random user that does not exist: 200, empty list", async () => {
    const x = await server.call("GET", `/Users?${filterQuery(`userName eq "${userName}"`)}&startIndex=1&count=100`);
    expectList(x, 0);
    expect(x.body.Resources).toEqual([]);
  });

  test("8. create the user with Okta's body, sent without a Content-Type: 201 with the full resource", async () => {
    const x = await server.call("POST", "/Users", { body: oktaCreateBody, contentType: null });
    expectResource(x, 201, USER_SCHEMA);
    createdId = x.body.id;
    expect(x.body).toMatchObject({
      userName,
      name: oktaCreateBody.name,
      emails: [{ primary: true, value: userName, type: "work" }],
      displayName: oktaCreateBody.displayName,
      locale: "en-US",
      externalId: oktaCreateBody.externalId,
      active: true,
      groups: [],
      meta: { resourceType: "User", location: `${server.base}/Users/${createdId}` },
    });
    expect(createdId).not.toBe(seededId);
    expect(x.headers.get("location")).toBe(x.body.meta.location);
    expect(x.body.password).toBeUndefined();
  });

  test("9. verify the user was created: GET /Users/{id}", async () => {
    const x = await server.call("GET", `/Users/${createdId}`);
    expectResource(x, 200, USER_SCHEMA);
    expect(x.body).toMatchObject({ id: createdId, userName, active: true, name: oktaCreateBody.name });
  });

  test("10. the same lookup now finds exactly that user", async () => {
    const x = await server.call("GET", `/Users?${filterQuery(`userName eq "${userName}"`)}&startIndex=1&count=100`);
    expectList(x, 1);
    expect(x.body.Resources[0]).toMatchObject({ id: createdId, userName });
  });

  test("11. recreating the same user is 409 uniqueness, and nothing new is stored", async () => {
    const x = await server.call("POST", "/Users", { body: oktaCreateBody, contentType: null });
    expectScimError(x, 409, "uniqueness");
    expectList(await server.call("GET", "/Users?startIndex=1&count=100"), 2);
  });

  test("12. userName case sensitivity check: upper- and lower-cased lookups find the user", async () => {
    for (const variant of [userName.toUpperCase(), userName.toLowerCase()]) {
      const x = await server.call("GET", `/Users?${filterQuery(`userName eq "${variant}"`)}&startIndex=1&count=100`);
      expectList(x, 1);
      expect(x.body.Resources[0].id).toBe(createdId);
    }
  });

  test("13. an unknown id is 404 with a detail", async () => {
    const x = await server.call("GET", `/Users/${randomUUID()}`);
    expectScimError(x, 404);
    expect(x.body.schemas).toEqual([ERROR_SCHEMA]);
  });

  test("14. filter for a non-existent user: 200 with an empty list", async () => {
    const x = await server.call("GET", `/Users?${filterQuery(`userName eq "${randomUUID()}@atko.com"`)}`);
    expectList(x, 0);
    expect(x.body.Resources).toEqual([]);
    expect(x.body.startIndex).toBe(1);
  });

  test("15. import: pages of startIndex=1, then 2 with count=1, cover both users once", async () => {
    const ids: string[] = [];
    for (let start = 1; ; start++) {
      const x = await server.call("GET", `/Users?startIndex=${start}&count=1`);
      expectList(x, 2);
      expect(x.body.startIndex).toBe(start);
      ids.push(...x.body.Resources.map((u: { id: string }) => u.id));
      if (start >= x.body.totalResults) break;
    }
    expect(ids.sort()).toEqual([createdId, seededId].sort());
  });

  test("16. the Governance templates read /ResourceTypes and /Schemas first", async () => {
    const types = await server.call("GET", "/ResourceTypes");
    expectList(types, 2);
    expect(types.body.Resources.map((r: { name: string }) => r.name).sort()).toEqual(["Group", "User"]);
    const schemas = await server.call("GET", "/Schemas");
    expectList(schemas);
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual(
      expect.arrayContaining([USER_SCHEMA, GROUP_SCHEMA]),
    );
  });
});
