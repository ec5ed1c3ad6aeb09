/**
 * Group pushes that must never be lost, replayed against a real listening server on every store
 * (memory here; SQLite and PostgreSQL under jest.replay.config.js):
 * - Okta reads a 4xx as final and never retries: one stale member id must not cost the push
 *   (`unknownMembers: "skip"`, the default), while "reject" stays available;
 * - Okta's custom SAML apps send memberships in POST and PUT bodies, and clear a group with a
 *   pathless `replace` of `{"members": []}`;
 * - AWS-style clients ask "which groups contain this user" with `members.value eq "id"`.
 */
import type { AuditRecord } from "../../lib";
import { memoryAuditLog } from "../../lib";
import { expectList, expectResource, filterQuery, liveServer, type Exchange, type LiveServer } from "./app";
import { oktaGroupBodies } from "../../lib/cli/check/sequences/okta-group-bodies";
import { GROUP_SCHEMA, USER_SCHEMA, expectScimError, oktaUser, patchBody } from "../helpers/fixtures";
import { everyStep, replaySteps } from "./replay-steps";

const memberIds = (body: { members?: { value: string }[] }) => (body.members ?? []).map((m) => m.value).sort();
const ids = (x: Exchange) => x.body.Resources.map((r: { id: string }) => r.id).sort();
const expectGroupPatchOk = (x: Exchange) => {
  expect([200, 204]).toContain(x.status);
  if (x.status === 200) expectResource(x, 200, GROUP_SCHEMA);
};
// Ids that look like real ones (Okta's 00u..., UUIDs) but name nobody: a user deleted since Okta's last sync.
const STALE = ["00u1stale0000000000", "3f0c5d0e-7a51-4c5e-9d5e-0000deadbeef"];

const audit = memoryAuditLog();
const skippedEvents: { id: string; members: string[] }[] = [];
const warnings: Record<string, unknown>[] = [];
let server: LiveServer;
let serial = 0;

beforeAll(async () => {
  server = await liveServer({
    profile: "okta",
    audit,
    events: { "group.members.skipped": (e) => void skippedEvents.push(e) },
    logger: { error: () => {}, warn: (obj) => void warnings.push(obj as Record<string, unknown>) },
  });
});
afterAll(() => server.close());

async function newUser(): Promise<string> {
  const x = await server.call("POST", "/Users", { body: oktaUser(`push${++serial}.${Date.now()}@example.com`) });
  expectResource(x, 201, USER_SCHEMA);
  return x.body.id;
}

async function newGroup(displayName: string, members: string[] = []): Promise<string> {
  const x = await server.call("POST", "/Groups", {
    body: { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) },
  });
  expectResource(x, 201, GROUP_SCHEMA);
  return x.body.id;
}

const members = async (id: string) => memberIds((await server.call("GET", `/Groups/${id}`)).body);

/** Audit records are appended when the response has finished; wait for the one of `id` and `method`. */
async function auditOf(id: string, method: string): Promise<AuditRecord | undefined> {
  for (let i = 0; i < 50; i++) {
    const found = (await audit.list({ count: 1000 })).items.find((r) => r.id === id && r.method === method);
    if (found) return found;
    await new Promise((r) => setImmediate(r));
  }
  return undefined;
}

describe("Okta group push with a stale member id (default unknownMembers: skip)", () => {
  test("POST with members: the known ones are written, the stale one is dropped and reported", async () => {
    const [a, b] = [await newUser(), await newUser()];
    const x = await server.call("POST", "/Groups", {
      body: {
        schemas: [GROUP_SCHEMA],
        displayName: "Stale POST",
        members: [{ value: a, display: "a" }, { value: STALE[0] }, { value: b, display: "b" }],
      },
    });
    expectResource(x, 201, GROUP_SCHEMA);
    expect(memberIds(x.body)).toEqual([a, b].sort());
    expect(await members(x.body.id)).toEqual([a, b].sort());
    expect(skippedEvents).toContainEqual(expect.objectContaining({ id: x.body.id, members: [STALE[0]] }));
    expect(warnings).toContainEqual(expect.objectContaining({ group: x.body.id, skipped: 1, ids: [STALE[0]] }));
    expect(await auditOf(x.body.id, "POST")).toMatchObject({ status: 201, membersAdded: 2, membersSkipped: 1 });
  });

  test("PUT of the whole group (id, meta, stale ids) answers 200 and writes the known members", async () => {
    const [a, b, c] = [await newUser(), await newUser(), await newUser()];
    const id = await newGroup("Stale PUT", [a]);
    const current = (await server.call("GET", `/Groups/${id}`)).body;
    const x = await server.call("PUT", `/Groups/${id}`, {
      body: { ...current, members: [{ value: b }, { value: STALE[0] }, { value: c }, { value: STALE[1] }] },
    });
    expectResource(x, 200, GROUP_SCHEMA);
    expect(memberIds(x.body)).toEqual([b, c].sort());
    expect(await members(id)).toEqual([b, c].sort());
    expect((await server.call("GET", `/Users/${a}`)).body.groups).toEqual([]);
    expect(await auditOf(id, "PUT")).toMatchObject({ status: 200, membersSkipped: 2 });
  });

  test("PATCH add and replace with stale ids: 204/200, the known members land", async () => {
    const [a, b] = [await newUser(), await newUser()];
    const id = await newGroup("Stale PATCH");
    expectGroupPatchOk(
      await server.call("PATCH", `/Groups/${id}`, {
        body: patchBody({ op: "add", path: "members", value: [{ value: STALE[1] }, { value: a }] }),
      }),
    );
    expect(await members(id)).toEqual([a]);
    expectGroupPatchOk(
      await server.call("PATCH", `/Groups/${id}`, {
        body: patchBody(
          { op: "remove", path: `members[value eq "${a}"]` },
          { op: "add", path: "members", value: [{ value: b }, { value: STALE[0] }] },
        ),
      }),
    );
    expect(await members(id)).toEqual([b]);
    expectGroupPatchOk(
      await server.call("PATCH", `/Groups/${id}`, {
        body: patchBody({ op: "replace", path: "members", value: [{ value: STALE[0] }, { value: a }] }),
      }),
    );
    expect(await members(id)).toEqual([a]);
  });
});

describe('unknownMembers: "reject" (opt-in): one stale id fails the whole push, nothing is written', () => {
  let strict: LiveServer;
  beforeAll(async () => {
    strict = await liveServer({ unknownMembers: "reject" });
  });
  afterAll(() => strict.close());

  test("POST, PUT and PATCH answer 400 invalidValue naming the id; the group is unchanged", async () => {
    const u = await strict.call("POST", "/Users", { body: oktaUser("strict.member@example.com") });
    const a = u.body.id as string;
    const refused = await strict.call("POST", "/Groups", {
      body: { schemas: [GROUP_SCHEMA], displayName: "Strict", members: [{ value: a }, { value: STALE[0] }] },
    });
    expectScimError(refused, 400, "invalidValue");
    expect(refused.body.detail).toContain(STALE[0]);
    expectList(await strict.call("GET", `/Groups?${filterQuery('displayName eq "Strict"')}`), 0);
    const g = await strict.call("POST", "/Groups", {
      body: { schemas: [GROUP_SCHEMA], displayName: "Strict", members: [{ value: a }] },
    });
    const id = g.body.id as string;
    expectScimError(
      await strict.call("PUT", `/Groups/${id}`, {
        body: { schemas: [GROUP_SCHEMA], displayName: "Strict", members: [{ value: STALE[1] }] },
      }),
      400,
      "invalidValue",
    );
    expectScimError(
      await strict.call("PATCH", `/Groups/${id}`, {
        body: patchBody({ op: "add", path: "members", value: [{ value: STALE[0] }] }),
      }),
      400,
      "invalidValue",
    );
    expect(memberIds((await strict.call("GET", `/Groups/${id}`)).body)).toEqual([a]);
  });
});

/** Okta's SAML-app group bodies, as `express-scim check` replays them (lib/cli/check/sequences/okta-group-bodies.ts). */
describe("Okta custom SAML app: memberships in POST and PUT bodies, cleared groups, stale ids", () => {
  replaySteps(
    oktaGroupBodies,
    () => server,
    everyStep(oktaGroupBodies, {
      2: async ({ exchanges }, saved) => {
        const versions = exchanges.filter((x) => x.request.method === "GET" && x.body?.meta?.resourceType === "Group");
        expect(versions.map((x) => typeof x.body.meta.version)).toEqual(["string", "string"]);
        expectList(await server.call("GET", `/Groups?${filterQuery(`members.value eq "${saved.formerMember}"`)}`), 0);
      },
      // The rename and clear again, asking for attributes: 200 with the group (RFC 7644 3.5.2).
      3: async (_, saved) => {
        const id = saved.renamedId as string;
        const x = await server.call("PATCH", `/Groups/${id}?attributes=displayName,members`, {
          body: patchBody({ op: "replace", value: { id, displayName: "Cleared Renamed", members: [] } }),
        });
        expect(x.status).toBe(200);
        expect(x.body).toMatchObject({ id, displayName: "Cleared Renamed" });
        expect(x.body.members ?? []).toEqual([]);
      },
    }),
  );
});

describe('AWS-style membership lookups: GET /Groups?filter=members.value eq "user"', () => {
  let a: string;
  let b: string;
  let both: string;
  let onlyA: string;
  beforeAll(async () => {
    [a, b] = [await newUser(), await newUser()];
    onlyA = await newGroup("AWS Only A", [a]);
    both = await newGroup("AWS Both", [a, b]);
    await newGroup("AWS Empty");
  });

  test("lists exactly the groups containing the user, with or without their members", async () => {
    const x = await server.call(
      "GET",
      `/Groups?${filterQuery(`members.value eq "${a}"`)}&excludedAttributes=members&startIndex=1&count=100`,
    );
    expectList(x, 2);
    expect(ids(x)).toEqual([onlyA, both].sort());
    for (const g of x.body.Resources) expect(g.members).toBeUndefined();
    const y = await server.call("GET", `/Groups?${filterQuery(`members.value eq "${b}"`)}`);
    expectList(y, 1);
    expect(y.body.Resources[0]).toMatchObject({ id: both, displayName: "AWS Both" });
    expect(memberIds(y.body.Resources[0])).toEqual([a, b].sort());
  });

  test("the shorthand members eq, combined with displayName or id; pages; no match is an empty 200", async () => {
    expect(ids(await server.call("GET", `/Groups?${filterQuery(`members eq "${a}"`)}`))).toEqual([onlyA, both].sort());
    const named = await server.call(
      "GET",
      `/Groups?${filterQuery(`displayName eq "AWS Both" and members.value eq "${a}"`)}`,
    );
    expectList(named, 1);
    expectList(await server.call("GET", `/Groups?${filterQuery(`id eq "${onlyA}" and members.value eq "${b}"`)}`), 0);
    const page1 = await server.call("GET", `/Groups?${filterQuery(`members.value eq "${a}"`)}&startIndex=1&count=1`);
    const page2 = await server.call("GET", `/Groups?${filterQuery(`members.value eq "${a}"`)}&startIndex=2&count=1`);
    expectList(page1, 2);
    expectList(page2, 2);
    expect([...ids(page1), ...ids(page2)].sort()).toEqual([onlyA, both].sort());
    expectList(await server.call("GET", `/Groups?${filterQuery(`members.value eq "${STALE[0]}"`)}`), 0);
  });

  test("membership changes show up in the lookup at once", async () => {
    expectGroupPatchOk(
      await server.call("PATCH", `/Groups/${both}`, {
        body: patchBody({ op: "remove", path: `members[value eq "${a}"]` }),
      }),
    );
    expect(ids(await server.call("GET", `/Groups?${filterQuery(`members.value eq "${a}"`)}`))).toEqual([onlyA]);
  });
});
