/**
 * Issue 14, "Same input, same answer": one request script runs against the memory, SQLite and
 * PostgreSQL stores behind a real listening server, and every store must give every request the
 * same status (and the same rows, in the same order). The script holds what used to differ:
 * U+0000 and lone surrogates in bodies, filters, path ids, member ids and tenant names (500 on
 * PostgreSQL only), keys longer than an index entry (500 on PostgreSQL only), and letters that
 * PostgreSQL's lower() folds differently ("İ", final "Σ": a 201 on one store, a 409 on another).
 */
import { memoryStore, type Store } from "../../lib";
import { sqliteStore } from "../../lib/stores/sqlite";
import { MAX_INDEXED_LENGTH, MAX_TENANT_LENGTH } from "../../lib/values/text";
import { describePostgres, testSchema } from "../stores/postgres-helpers";
import { filterQuery, liveServer, type Exchange, type LiveServer } from "./app";
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA } from "../helpers/fixtures";

interface Step {
  name: string;
  status: number;
  scimType?: string;
  /** userNames (or displayNames) of a list answer, in order. */
  rows?: string[];
}

const user = (userName: string, more: Record<string, unknown> = {}) => ({ schemas: [USER_SCHEMA], userName, ...more });
const replaceOp = (path: string, value: unknown) => ({
  schemas: [PATCH_OP],
  Operations: [{ op: "replace", path, value }],
});
const addMembers = (...values: string[]) => ({
  schemas: [PATCH_OP],
  Operations: [{ op: "add", path: "members", value: values.map((value) => ({ value })) }],
});

/** The script: every request, in order, with what it answered. */
async function script(l: LiveServer): Promise<Step[]> {
  const steps: Step[] = [];
  const note = (name: string, x: Exchange) => {
    const step: Step = { name, status: x.status };
    if (x.body?.scimType) step.scimType = x.body.scimType;
    if (Array.isArray(x.body?.Resources))
      step.rows = x.body.Resources.map((r: { userName?: string; displayName?: string }) => r.userName ?? r.displayName);
    steps.push(step);
    return x;
  };
  const call = async (name: string, method: string, path: string, body?: unknown) =>
    note(name, await l.call(method, path, body === undefined ? {} : { body }));

  const ada = (await call("create a user", "POST", "/Users", user("ada"))).body.id as string;
  const team = (
    await call("create a group", "POST", "/Groups", {
      schemas: [GROUP_SCHEMA],
      displayName: "Team",
      members: [{ value: ada }],
    })
  ).body.id as string;

  // U+0000 and lone surrogates (JSON escapes; JSON.stringify writes "\ud800" for a lone one).
  await call("U+0000 in userName", "POST", "/Users", user("a\u0000b"));
  await call("U+0000 in a sub-attribute", "POST", "/Users", user("nul2", { name: { givenName: "x\u0000" } }));
  await call("U+0000 in an attribute name", "POST", "/Users", user("nul3", { "nick\u0000Name": "x" }));
  await call("lone surrogate in title", "POST", "/Users", user("sur1", { title: "x\ud800y" }));
  await call(
    "lone surrogate in an extension",
    "POST",
    "/Users",
    user("sur2", { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "\udc00" } }),
  );
  await call("U+0000 in PUT", "PUT", `/Users/${ada}`, user("ada", { displayName: "\u0000" }));
  await call("U+0000 in PATCH", "PATCH", `/Users/${ada}`, replaceOp("title", "a\u0000"));
  await call("lone surrogate in PATCH", "PATCH", `/Users/${ada}`, replaceOp("displayName", "\ud83d"));
  await call("U+0000 in a group's displayName", "POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "\u0000" });
  await call("U+0000 member id in POST", "POST", "/Groups", {
    schemas: [GROUP_SCHEMA],
    displayName: "G0",
    members: [{ value: "\u0000" }],
  });
  await call("U+0000 member id in PATCH", "PATCH", `/Groups/${team}`, addMembers(`${ada}\u0000`));
  await call("lone surrogate member id in PUT", "PUT", `/Groups/${team}`, {
    schemas: [GROUP_SCHEMA],
    displayName: "Team",
    members: [{ value: "\ud800" }],
  });
  await call("U+0000 in a filter", "GET", `/Users?${filterQuery('userName eq "\\u0000"')}`);
  await call("lone surrogate in a filter", "GET", `/Users?${filterQuery('title co "\\udfff"')}`);
  await call("U+0000 in a search body", "POST", "/Users/.search", {
    schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
    filter: 'userName eq "\u0000"',
  });
  await call("U+0000 in a PATCH filter path", "PATCH", `/Groups/${team}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: "remove", path: 'members[value eq "\\u0000"]' }],
  });
  for (const method of ["GET", "PUT", "PATCH", "DELETE"]) {
    const body = method === "PUT" ? user("ada") : method === "PATCH" ? replaceOp("title", "x") : undefined;
    await call(`${method} /Users/%00`, method, "/Users/%00", body);
    await call(
      `${method} /Groups/a%00b`,
      method,
      "/Groups/a%00b",
      method === "PUT" ? { schemas: [GROUP_SCHEMA], displayName: "x" } : body,
    );
  }

  // Lengths: userName, displayName and externalId are at most MAX_INDEXED_LENGTH characters.
  const widest = "😀".repeat(MAX_INDEXED_LENGTH);
  await call(
    "userName of the maximum length, widest characters",
    "POST",
    "/Users",
    user(widest, { externalId: widest, displayName: widest }),
  );
  await call("userName one character over", "POST", "/Users", user(`${widest}x`));
  await call("userName of 3,000 ASCII characters", "POST", "/Users", user("u".repeat(3000)));
  await call("externalId over", "POST", "/Users", user("ext", { externalId: "e".repeat(MAX_INDEXED_LENGTH + 1) }));
  await call("PATCH userName over", "PATCH", `/Users/${ada}`, replaceOp("userName", "p".repeat(4000)));
  await call("group displayName over", "POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "g".repeat(3000) });
  await call("group externalId over", "PUT", `/Groups/${team}`, {
    schemas: [GROUP_SCHEMA],
    displayName: "Team",
    externalId: "g".repeat(3000),
  });
  await call("a long filter literal is only data", "GET", `/Users?${filterQuery(`userName eq "${"q".repeat(5000)}"`)}`);
  await call("a huge startIndex", "GET", "/Users?startIndex=99999999999999999999&count=5");
  await call(
    "a huge number literal",
    "GET",
    `/Users?${filterQuery("title eq 1e308 or userName gt 99999999999999999999999")}`,
  );

  // Case folding: one fold everywhere (lib/values/fold.ts).
  for (const name of [
    "İstanbul",
    "istanbul",
    "i\u0307stanbul",
    "ISTANBUL",
    "ΟΔΟΣ",
    "οδοσ",
    "οδος",
    "Straße",
    "STRASSE",
    "STRAẞE",
    "Ａｄａ",
    "ａｄａ",
    "ADA",
    "Σα",
    "ǅemal",
    "ǆemal",
  ]) {
    await call(`create ${JSON.stringify(name)}`, "POST", "/Users", user(name));
  }
  await call("eq İ", "GET", `/Users?${filterQuery('userName eq "İSTANBUL"')}`);
  await call("eq final sigma", "GET", `/Users?${filterQuery('userName eq "ΟΔΟς" or userName sw "σ"')}`);
  await call("sorted by userName", "GET", `/Users?sortBy=userName&count=100&attributes=userName`);
  await call(
    "sorted descending, title unindexed",
    "GET",
    `/Users?sortBy=userName&sortOrder=descending&attributes=userName&${filterQuery('userName co "A" or userName co "ß"')}`,
  );
  await call("group names fold alike", "POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "TEAM" });
  await call("group İ", "POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "İ" });
  await call("group i", "POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "i" });
  await call("group i̇", "POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "i\u0307" });
  await call("rename to a folded clash", "PATCH", `/Users/${ada}`, replaceOp("userName", "İSTANBUL"));
  return steps;
}

/** Tenants from a query parameter, to send names no header could carry. */
async function tenantScript(l: LiveServer): Promise<Step[]> {
  const steps: Step[] = [];
  for (const [name, tenant] of [
    ["U+0000 in a tenant", "a%00b"],
    ["tenant of the maximum length", "t".repeat(MAX_TENANT_LENGTH)],
    ["tenant over the maximum length", "t".repeat(MAX_TENANT_LENGTH + 1)],
    ["an ordinary tenant", "acme"],
  ] as const) {
    const x = await l.call("POST", `/Users?tenant=${tenant}`, { body: user(`${name}@x`.replace(/ /g, ".")) });
    steps.push({ name, status: x.status });
    const list = await l.call("GET", `/Users?tenant=${tenant}`);
    steps.push({ name: `${name}: list`, status: list.status });
  }
  return steps;
}

const EXPECTED: Record<string, number> = {
  "create a user": 201,
  "create a group": 201,
  "userName of the maximum length, widest characters": 201,
  'create "İstanbul"': 201,
  'create "istanbul"': 201,
  'create "i̇stanbul"': 409,
  'create "ISTANBUL"': 409,
  'create "ΟΔΟΣ"': 201,
  'create "οδοσ"': 409,
  'create "οδος"': 409,
  'create "Straße"': 201,
  'create "STRASSE"': 201,
  'create "STRAẞE"': 409,
  'create "Ａｄａ"': 201,
  'create "ａｄａ"': 409,
  'create "ADA"': 409,
  'create "Σα"': 201,
  'create "ǅemal"': 201,
  'create "ǆemal"': 409,
  "a long filter literal is only data": 200,
  "a huge startIndex": 200,
  "a huge number literal": 200,
  "eq İ": 200,
  "eq final sigma": 200,
  "sorted by userName": 200,
  "sorted descending, title unindexed": 200,
  "group names fold alike": 409,
  "group İ": 201,
  "group i": 201,
  "group i̇": 409,
  "rename to a folded clash": 409,
};

function expectedStatus(step: Step): number {
  const expected = EXPECTED[step.name];
  if (expected !== undefined) return expected;
  if (/\/(Users|Groups)\/(%00|a%00b)$/.test(step.name)) return 404;
  return 400;
}

type Maker = () => Promise<{ store: Store; dispose: () => Promise<void> }>;

async function run(make: Maker, tenants = false): Promise<Step[]> {
  const { store, dispose } = await make();
  const l = await liveServer(
    tenants
      ? { store, tenant: (req) => (typeof req.query.tenant === "string" ? req.query.tenant : undefined) }
      : { store },
  );
  try {
    return await (tenants ? tenantScript(l) : script(l));
  } finally {
    await l.close();
    await dispose();
  }
}

const memory: Maker = async () => ({ store: memoryStore(), dispose: async () => {} });
const sqlite: Maker = async () => {
  const store = sqliteStore({ filename: ":memory:", migrate: true });
  return { store, dispose: () => store.close() };
};

function checkScript(steps: Step[]): void {
  const wrong = steps.filter((s) => s.status !== expectedStatus(s) || (s.status === 400 && !s.scimType));
  expect(wrong).toEqual([]);
  const byName = Object.fromEntries(steps.map((s) => [s.name, s]));
  expect(byName["eq İ"]?.rows).toEqual(["İstanbul"]);
  expect(byName["eq final sigma"]?.rows).toEqual(["ΟΔΟΣ", "Σα"]);
}

const TENANT_EXPECTED = [404, 404, 201, 200, 404, 404, 201, 200];

describe("memory and SQLite answer the same request the same way", () => {
  let answers: Step[][];
  beforeAll(async () => {
    answers = [await run(memory), await run(sqlite)];
  }, 60_000);

  test("statuses as documented (docs/stores.md), and no 500", () => {
    for (const steps of answers) checkScript(steps);
  });

  test("memory and SQLite agree on every step, rows and order included", () => {
    expect(answers[1]).toEqual(answers[0]);
  });

  test("tenant names: U+0000 or over the limit is 404 on both", async () => {
    for (const make of [memory, sqlite]) expect((await run(make, true)).map((s) => s.status)).toEqual(TENANT_EXPECTED);
  });
});

describePostgres("PostgreSQL answers the same request as the memory store", () => {
  const db = testSchema("scim_same");
  const postgres: Maker = async () => ({ store: db.store(), dispose: async () => {} });
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());

  test("the whole script: same statuses, same rows, same order, no 500", async () => {
    const expected = await run(memory);
    const actual = await run(postgres);
    checkScript(actual);
    expect(actual).toEqual(expected);
  }, 60_000);

  test("tenant names: U+0000 or over the limit is 404, not 500", async () => {
    expect((await run(postgres, true)).map((s) => s.status)).toEqual(TENANT_EXPECTED);
  });
});

test("a configured tenant name no store can keep is refused at start-up, not at the first request", () => {
  const { scim } = jest.requireActual<typeof import("../../lib")>("../../lib");
  for (const tenant of ["a\u0000b", "t".repeat(MAX_TENANT_LENGTH + 1)]) {
    expect(() =>
      scim({ store: memoryStore(), tokens: [{ token: "x".repeat(32), scopes: ["get:users"] }], tenant }),
    ).toThrow(TypeError);
  }
});
