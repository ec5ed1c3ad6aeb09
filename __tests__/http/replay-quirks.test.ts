/**
 * Each client quirk of docs/clients.md replayed against a real listening server (on the SQL
 * stores too: jest.replay.config.js), one request per quirk, sent with a token per profile:
 * - the default ("lenient") and the client's own profile accept it;
 * - "strict" refuses it with a 400 that names the rule and the tolerance;
 * - the client's profile with that one tolerance taken out of its data fails exactly the
 *   replays of that quirk, and every other replay of that client still passes.
 */
import { randomUUID } from "node:crypto";
import { ALL_SCOPES, PROFILES, type ProfileChoice, type ProfileName, type Tolerance } from "../../lib";
import { ENTERPRISE, GROUP_SCHEMA, PATCH_OP, TOKEN, USER_SCHEMA, expectScimError } from "../helpers/fixtures";
import { liveServer, type Exchange, type LiveServer } from "./app";

interface QuirkReplay {
  client: ProfileName;
  tolerance: Tolerance;
  name: string;
  /** Sends the quirky request with `token` (fixtures it needs are made with the default token). */
  send: (token: string) => Promise<Exchange>;
  /** What the client needs to see when the quirk is tolerated. */
  accepted: (x: Exchange) => void | Promise<void>;
  /** The scimType strict mode answers with (undefined: none, e.g. a header). */
  scimType: string | undefined;
}

let server: LiveServer;

const user = (extra: Record<string, unknown> = {}) => ({
  schemas: [USER_SCHEMA, ENTERPRISE],
  userName: `${randomUUID()}@example.com`,
  ...extra,
});

async function newUser(extra: Record<string, unknown> = {}): Promise<string> {
  const x = await server.call("POST", "/Users", { body: user(extra) });
  expect(x.status).toBe(201);
  return x.body.id;
}

async function newGroup(members: string[]): Promise<string> {
  const body = { schemas: [GROUP_SCHEMA], displayName: randomUUID(), members: members.map((value) => ({ value })) };
  const x = await server.call("POST", "/Groups", { body });
  expect(x.status).toBe(201);
  return x.body.id;
}

const patch = async (token: string, path: string, ...Operations: unknown[]) =>
  server.call("PATCH", path, { token, body: { schemas: [PATCH_OP], Operations } });

const read = async (path: string) => (await server.call("GET", path)).body;

const REPLAYS: QuirkReplay[] = [
  {
    client: "entra",
    tolerance: "capitalisedOps",
    name: 'capitalised op "Replace"',
    scimType: "invalidSyntax",
    send: async (token) =>
      patch(token, `/Users/${await newUser()}`, { op: "Replace", path: "displayName", value: "Ada" }),
    accepted: (x) =>
      expect({ status: x.status, displayName: x.body.displayName }).toEqual({ status: 200, displayName: "Ada" }),
  },
  {
    client: "entra",
    tolerance: "booleanStrings",
    name: '"False" for active in a PATCH',
    scimType: "invalidValue",
    send: async (token) => patch(token, `/Users/${await newUser()}`, { op: "replace", path: "active", value: "False" }),
    accepted: (x) => expect({ status: x.status, active: x.body.active }).toEqual({ status: 200, active: false }),
  },
  {
    client: "entra",
    tolerance: "pathKeysInValue",
    name: "dotted and URN-qualified keys in a pathless value",
    scimType: "invalidPath",
    send: async (token) =>
      patch(token, `/Users/${await newUser()}`, {
        op: "replace",
        value: { "name.givenName": "Grace", [`${ENTERPRISE}:employeeNumber`]: "701" },
      }),
    accepted: (x) => {
      expect(x.status).toBe(200);
      expect(x.body.name.givenName).toBe("Grace");
      expect(x.body[ENTERPRISE].employeeNumber).toBe("701");
    },
  },
  {
    client: "entra",
    tolerance: "bareComplexValues",
    name: "manager as a plain string in POST",
    scimType: "invalidValue",
    send: async (token) => server.call("POST", "/Users", { token, body: user({ [ENTERPRISE]: { manager: "mgr-1" } }) }),
    accepted: (x) =>
      expect({ status: x.status, manager: x.body[ENTERPRISE]?.manager?.value }).toEqual({
        status: 201,
        manager: "mgr-1",
      }),
  },
  {
    client: "entra",
    tolerance: "listForSingleValue",
    name: "manager as a list of one in PUT",
    scimType: "invalidValue",
    send: async (token) => {
      const id = await newUser();
      const current = await read(`/Users/${id}`);
      const body = { ...current, [ENTERPRISE]: { manager: [{ value: "mgr-2", $ref: null }] } };
      return server.call("PUT", `/Users/${id}`, { token, body });
    },
    accepted: (x) =>
      expect({ status: x.status, manager: x.body[ENTERPRISE]?.manager?.value }).toEqual({
        status: 200,
        manager: "mgr-2",
      }),
  },
  {
    client: "entra",
    tolerance: "filterCreatesValue",
    name: "filtered PATCH on an attribute that does not exist yet",
    scimType: "noTarget",
    send: async (token) =>
      patch(token, `/Users/${await newUser()}`, {
        op: "add",
        path: 'emails[type eq "work"].value',
        value: "w@example.com",
      }),
    accepted: (x) => {
      expect(x.status).toBe(200);
      expect(x.body.emails).toEqual([{ type: "work", value: "w@example.com" }]);
    },
  },
  {
    client: "entra",
    tolerance: "removeWithValue",
    name: "Remove members with a value list removes only those",
    scimType: "invalidValue",
    send: async (token) => {
      const [a, b] = [await newUser(), await newUser()];
      const group = await newGroup([a, b]);
      const x = await patch(token, `/Groups/${group}`, { op: "remove", path: "members", value: [{ value: a }] });
      return { ...x, body: x.status === 204 ? await read(`/Groups/${group}`) : x.body, kept: b } as Exchange;
    },
    accepted: (x) => {
      expect(x.status).toBe(204);
      expect(x.body.members.map((m: { value: string }) => m.value)).toEqual([(x as Exchange & { kept: string }).kept]);
    },
  },
  {
    client: "entra",
    tolerance: "emptyOperations",
    name: "a PatchOp with no operations",
    scimType: "invalidValue",
    send: async (token) => patch(token, `/Users/${await newUser()}`),
    accepted: (x) => expect(x.status).toBe(200),
  },
  {
    client: "okta",
    tolerance: "numbersForStrings",
    name: "a number for a string custom attribute",
    scimType: "invalidValue",
    send: async (token) =>
      server.call("POST", "/Users", { token, body: user({ [ENTERPRISE]: { employeeNumber: 1234 } }) }),
    accepted: (x) =>
      expect({ status: x.status, n: x.body[ENTERPRISE]?.employeeNumber }).toEqual({ status: 201, n: "1234" }),
  },
  {
    client: "okta",
    tolerance: "bareComplexValues",
    name: "roles as plain strings",
    scimType: "invalidValue",
    send: async (token) => server.call("POST", "/Users", { token, body: user({ roles: ["admin"] }) }),
    accepted: (x) =>
      expect({ status: x.status, roles: x.body.roles }).toEqual({ status: 201, roles: [{ value: "admin" }] }),
  },
  {
    client: "okta",
    tolerance: "pathKeysInValue",
    name: "a URN-qualified extension attribute in a pathless value",
    scimType: "invalidPath",
    send: async (token) =>
      patch(token, `/Users/${await newUser()}`, { op: "replace", value: { [`${ENTERPRISE}:department`]: "Ops" } }),
    accepted: (x) =>
      expect({ status: x.status, department: x.body[ENTERPRISE]?.department }).toEqual({
        status: 200,
        department: "Ops",
      }),
  },
  {
    client: "onelogin",
    tolerance: "looseSchemas",
    name: "urn:scim:schemas:core:2.0 in schemas",
    scimType: "invalidSyntax",
    send: async (token) =>
      server.call("POST", "/Users", {
        token,
        body: { ...user(), schemas: ["urn:scim:schemas:core:2.0"] },
      }),
    accepted: (x) => expect(x.status).toBe(201),
  },
  {
    client: "onelogin",
    tolerance: "booleanStrings",
    name: 'active as the string "false" in POST',
    scimType: "invalidValue",
    send: async (token) => server.call("POST", "/Users", { token, body: user({ active: "false" }) }),
    accepted: (x) => expect({ status: x.status, active: x.body.active }).toEqual({ status: 201, active: false }),
  },
  {
    client: "onelogin",
    tolerance: "noUserAgent",
    name: "an empty User-Agent",
    scimType: undefined,
    send: async (token) => server.call("GET", "/Users?count=1", { token, headers: { "User-Agent": "" } }),
    accepted: (x) => expect(x.status).toBe(200),
  },
];

/** A token per profile choice; each needs its own secret. */
const choices: Record<string, ProfileChoice> = { lenient: "lenient", strict: "strict" };
for (const name of Object.keys(PROFILES) as ProfileName[]) {
  choices[name] = name;
  for (const flag of PROFILES[name].tolerates)
    choices[`${name}-${flag}`] = { ...PROFILES[name], tolerates: PROFILES[name].tolerates.filter((f) => f !== flag) };
}
const tokenOf = (choice: string) => `profile-token-${choice}`;

beforeAll(async () => {
  server = await liveServer({
    tokens: [
      { token: TOKEN, scopes: [...ALL_SCOPES] },
      ...Object.entries(choices).map(([name, profile]) => ({ token: tokenOf(name), scopes: [...ALL_SCOPES], profile })),
    ],
  });
});
afterAll(() => server.close());

/** The strict refusal: a SCIM 400 whose detail names the tolerance that would accept it. */
function expectRefused(x: Exchange, replay: QuirkReplay) {
  expectScimError(x, 400, replay.scimType);
  expect(x.body.detail).toContain(`"${replay.tolerance}"`);
}

const label = (r: QuirkReplay) => `${r.client}: ${r.name} (${r.tolerance})`;

test("every tolerance a profile names has a replay of its own for that client", () => {
  for (const [name, profile] of Object.entries(PROFILES))
    for (const flag of profile.tolerates)
      expect(REPLAYS.filter((r) => r.client === name && r.tolerance === flag).map(label)).not.toEqual([]);
});

describe.each(REPLAYS.map((r) => [label(r), r] as const))("%s", (_label, replay) => {
  test("accepted by default and under the client's own profile", async () => {
    await replay.accepted(await replay.send(TOKEN));
    await replay.accepted(await replay.send(tokenOf(replay.client)));
  });

  test("refused in strict mode with the RFC's 400", async () => {
    expectRefused(await replay.send(tokenOf("strict")), replay);
  });
});

describe.each(
  (Object.keys(PROFILES) as ProfileName[]).flatMap((name) => PROFILES[name].tolerates.map((f) => [name, f] as const)),
)("%s without %s in its data", (client, flag) => {
  test("fails exactly that quirk's replays of the client, and passes its others", async () => {
    const outcome: Record<string, "passed" | "refused"> = {};
    const expected: Record<string, "passed" | "refused"> = {};
    for (const replay of REPLAYS.filter((r) => r.client === client)) {
      const x = await replay.send(tokenOf(`${client}-${flag}`));
      expected[label(replay)] = replay.tolerance === flag ? "refused" : "passed";
      if (replay.tolerance === flag) {
        expectRefused(x, replay);
        outcome[label(replay)] = "refused";
      } else {
        await replay.accepted(x);
        outcome[label(replay)] = "passed";
      }
    }
    expect(outcome).toEqual(expected);
  });
});
