/**
 * No-op writes, replayed as each client sends them (on the SQL stores too: jest.replay.config.js).
 * A write that changes nothing (Entra re-sends `active: "True"` every cycle, JumpCloud repeats
 * adds, Okta PUTs back the user it read) keeps the version and ETag, emits no event, and leaves
 * an audit record of the request with no changes in it.
 */
import { randomUUID } from "node:crypto";
import { ALL_SCOPES, type AuditRecord, type ProfileName, type ScimEvent } from "../../lib";
import { EVENT_TYPES } from "../../lib/events/types";
import { GROUP_SCHEMA, PATCH_OP, TOKEN, USER_SCHEMA, oktaUser } from "../helpers/fixtures";
import { liveServer, type CallOptions, type Exchange, type LiveServer } from "./app";

let server: LiveServer;
const events: ScimEvent[] = [];
const audits: AuditRecord[] = [];
let waiting: (() => void) | undefined;

beforeAll(async () => {
  server = await liveServer({
    tokens: [
      { token: TOKEN, scopes: [...ALL_SCOPES] },
      ...(["okta", "entra", "jumpcloud", "onelogin", "generic"] as const).map((profile) => ({
        token: tokenOf(profile),
        scopes: [...ALL_SCOPES],
        profile,
        label: profile,
      })),
    ],
    events: Object.fromEntries(EVENT_TYPES.map((type) => [type, (e: ScimEvent) => void events.push(e)])),
    audit: {
      append: (record) => {
        audits.push(record);
        waiting?.();
      },
      list: async () => ({ total: audits.length, items: [...audits].reverse() }),
    },
  });
});
afterAll(() => server.close());

function tokenOf(profile: ProfileName) {
  return `no-op-token-for-${profile}`;
}

/**
 * Sends one request as `client` and answers it with the events it emitted and its audit record.
 * The audit record is appended once the response is finished, after the events went out.
 */
async function as(client: ProfileName, method: string, path: string, options: CallOptions = {}) {
  const before = { events: events.length, audits: audits.length };
  // A fixture request's record may land late: this request's is the one with the client's label.
  const mine = () => audits.slice(before.audits).find((r) => r.actor === client && r.method === method);
  const appended = new Promise<void>((resolve) => {
    waiting = () => mine() && resolve();
  });
  const x = await server.call(method, path, { ...options, token: tokenOf(client) });
  await appended;
  return { x, events: events.slice(before.events).map((e) => e.type), audit: mine()! };
}

const etagOf = async (path: string) => (await server.call("GET", path)).headers.get("etag");

async function newUser(extra: Record<string, unknown> = {}): Promise<string> {
  const x = await server.call("POST", "/Users", { body: oktaUser(`${randomUUID()}@example.com`, extra) });
  expect(x.status).toBe(201);
  return x.body.id;
}

async function newGroup(members: string[]): Promise<string> {
  const body = { schemas: [GROUP_SCHEMA], displayName: randomUUID(), members: members.map((value) => ({ value })) };
  const x = await server.call("POST", "/Groups", { body });
  expect(x.status).toBe(201);
  return x.body.id;
}

const ops = (...Operations: unknown[]) => ({ body: { schemas: [PATCH_OP], Operations } });

/** Nothing changed: same ETag as before, no event, an audit record of a success without changes. */
function expectNoOp(
  result: { x: Exchange; events: string[]; audit: AuditRecord },
  status: number,
  etagBefore: string | null,
  etagAfter: string | null,
) {
  expect(result.x.status).toBe(status);
  expect(etagAfter).toBe(etagBefore);
  expect(result.events).toEqual([]);
  expect(result.audit).toMatchObject({ status, outcome: "success" });
  for (const key of ["changed", "membersAdded", "membersRemoved"] as const) expect(result.audit[key]).toBeUndefined();
}

describe("Entra", () => {
  test('re-sending `"active": "True"` to an active user keeps its version', async () => {
    const id = await newUser();
    const etag = await etagOf(`/Users/${id}`);
    const result = await as(
      "entra",
      "PATCH",
      `/Users/${id}?aadOptscim062020`,
      ops({ op: "Replace", path: "active", value: "True" }),
    );
    expectNoOp(result, 200, etag, await etagOf(`/Users/${id}`));
    expect(result.x.headers.get("etag")).toBe(etag);
    expect(result.x.body.meta.version).toBe(etag);
  });

  test("re-sending the same attributes in a pathless Replace keeps the version", async () => {
    const id = await newUser({ displayName: "Ada Lovelace" });
    const etag = await etagOf(`/Users/${id}`);
    const result = await as(
      "entra",
      "PATCH",
      `/Users/${id}`,
      ops({ op: "Replace", value: { displayName: "Ada Lovelace", "name.givenName": "Ada", active: "True" } }),
    );
    expectNoOp(result, 200, etag, await etagOf(`/Users/${id}`));
  });
});

describe("JumpCloud", () => {
  test("repeating an add of a member the group has keeps the group's version", async () => {
    const member = await newUser();
    const group = await newGroup([member]);
    const etag = await etagOf(`/Groups/${group}`);
    const result = await as(
      "jumpcloud",
      "PATCH",
      `/Groups/${group}`,
      ops({ op: "add", path: "members", value: [{ value: member }] }),
    );
    expectNoOp(result, 204, etag, await etagOf(`/Groups/${group}`));
  });

  test("an add of a member it has and one it has not is one change: the new member only", async () => {
    const [had, fresh] = [await newUser(), await newUser()];
    const group = await newGroup([had]);
    const etag = await etagOf(`/Groups/${group}`);
    const result = await as(
      "jumpcloud",
      "PATCH",
      `/Groups/${group}`,
      ops({ op: "add", path: "members", value: [{ value: had }, { value: fresh }] }),
    );
    expect(result.x.status).toBe(204);
    expect(await etagOf(`/Groups/${group}`)).not.toBe(etag);
    expect(result.events).toEqual(["group.members.added"]);
    expect(events.at(-1)).toMatchObject({ type: "group.members.added", members: [fresh] });
    expect(result.audit.membersAdded).toBe(1);
  });
});

describe("Okta", () => {
  test("PUT of the user it just read keeps the version", async () => {
    const id = await newUser();
    const read = await server.call("GET", `/Users/${id}`);
    // What Okta sends back: the resource as read, with its placeholder password and readOnly junk.
    const body = { ...read.body, password: "tempP@ss123", groups: [] };
    const result = await as("okta", "PUT", `/Users/${id}`, { body });
    expectNoOp(result, 200, read.headers.get("etag"), await etagOf(`/Users/${id}`));
  });

  test("PUT of the same group and members keeps the version", async () => {
    const [a, b] = [await newUser(), await newUser()];
    const group = await newGroup([a, b]);
    const read = await server.call("GET", `/Groups/${group}`);
    const body = {
      schemas: [GROUP_SCHEMA],
      id: group,
      displayName: read.body.displayName,
      members: [{ value: b }, { value: a }],
    };
    const result = await as("okta", "PUT", `/Groups/${group}`, { body });
    expectNoOp(result, 200, read.headers.get("etag"), await etagOf(`/Groups/${group}`));
  });

  test("the rename re-sent around a push, and the removal of a non-member, keep the version", async () => {
    const [member, stranger] = [await newUser(), await newUser()];
    const group = await newGroup([member]);
    const read = await server.call("GET", `/Groups/${group}`);
    const result = await as(
      "okta",
      "PATCH",
      `/Groups/${group}`,
      ops(
        { op: "replace", value: { id: group, displayName: read.body.displayName } },
        { op: "remove", path: `members[value eq "${stranger}"]` },
        { op: "replace", path: "members", value: [{ value: member }] },
      ),
    );
    expectNoOp(result, 204, read.headers.get("etag"), await etagOf(`/Groups/${group}`));
  });
});

describe("a write that changes something still does", () => {
  test.each(["okta", "entra", "jumpcloud", "onelogin", "generic"] as const)(
    "%s: deactivation moves the version and emits user.deactivated",
    async (client) => {
      const id = await newUser();
      const etag = await etagOf(`/Users/${id}`);
      const result = await as(client, "PATCH", `/Users/${id}`, ops({ op: "replace", path: "active", value: false }));
      expect(result.x.status).toBe(200);
      expect(await etagOf(`/Users/${id}`)).not.toBe(etag);
      expect(result.events).toEqual(["user.deactivated"]);
      expect(result.audit.changed).toEqual(["active"]);
    },
  );

  test.each(["okta", "entra", "jumpcloud", "onelogin", "generic"] as const)(
    "%s: PUT of the same user is a no-op under every profile",
    async (client) => {
      const id = await newUser();
      const read = await server.call("GET", `/Users/${id}`);
      const result = await as(client, "PUT", `/Users/${id}`, { body: { ...read.body, schemas: [USER_SCHEMA] } });
      expectNoOp(result, 200, read.headers.get("etag"), await etagOf(`/Users/${id}`));
    },
  );
});
