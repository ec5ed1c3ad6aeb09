/**
 * sortBy orders by the attribute's schema type, on every store alike: a `string` attribute whose
 * values look like dates sorts as text, a `dateTime` one as instants, booleans and numbers by
 * value (RFC 7644 3.4.2.3 orders "by the attribute type"). Before, any ISO-looking string sorted
 * as an instant, whatever the attribute, in the memory store and in the SQL compiler alike.
 */
import { memoryStore, type ScimOptions, type Store } from "../../lib";
import { sqliteStore } from "../../lib/stores/sqlite";
import { describePostgres, testSchema } from "../stores/postgres-helpers";
import { host } from "./app";
import { USER_SCHEMA } from "../helpers/fixtures";

const ACME = "urn:example:params:scim:schemas:extension:acme:2.0:User";
const schemas: ScimOptions["schemas"] = {
  users: [
    {
      id: ACME,
      attributes: [
        { name: "startDate", type: "dateTime" },
        { name: "contractor", type: "boolean" },
        { name: "badge", type: "integer" },
      ],
    },
  ],
};

// Text order and instant order disagree on these: ".500Z" < "Z" as text, and "+02:00" is the
// earliest instant though it reads latest.
const USERS = [
  { userName: "u1", when: "2024-01-01T00:00:00Z", contractor: true, badge: 10 },
  { userName: "u2", when: "2024-01-01T00:00:00.500Z", contractor: false, badge: 9 },
  { userName: "u3", when: "2024-01-01T01:00:00+02:00", contractor: "True", badge: 100 },
  { userName: "u4", when: "2023-12-31T23:30:00Z", contractor: "False", badge: 11 },
];

const AS_TEXT = ["u4", "u2", "u1", "u3"];
const AS_INSTANTS = ["u3", "u4", "u1", "u2"];

async function sorted(store: Store, mapping?: ScimOptions["mapping"]): Promise<Record<string, string[]>> {
  const h = host({ store, schemas, ...(mapping ? { mapping } : {}) });
  for (const u of USERS) {
    const res = await h.post("/Users", {
      schemas: [USER_SCHEMA, ACME],
      userName: u.userName,
      title: u.when,
      [ACME]: { startDate: u.when, contractor: u.contractor, badge: u.badge },
    });
    expect(res.status).toBe(201);
  }
  const order = async (sortBy: string, sortOrder = "ascending") => {
    const res = await h.get(`/Users?sortBy=${encodeURIComponent(sortBy)}&sortOrder=${sortOrder}&attributes=userName`);
    expect(res.status).toBe(200);
    return res.body.Resources.map((r: { userName: string }) => r.userName) as string[];
  };
  return {
    title: await order("title"),
    titleDescending: await order("title", "descending"),
    startDate: await order(`${ACME}:startDate`),
    contractor: await order(`${ACME}:contractor`),
    badge: await order(`${ACME}:badge`),
  };
}

const EXPECTED = {
  title: AS_TEXT,
  titleDescending: [...AS_TEXT].reverse(),
  startDate: AS_INSTANTS,
  // false before true; ties in creation order. Entra's "True"/"False" are booleans too.
  contractor: ["u2", "u4", "u1", "u3"],
  badge: ["u2", "u1", "u4", "u3"],
};

// Under a mapping the app's fields keep the SCIM attribute's type.
const MAPPING: ScimOptions["mapping"] = {
  users: [
    { scim: "userName", app: "userName" }, // what the SQL stores index
    { scim: "title", app: "job.title" },
    { scim: `${ACME}:startDate`, app: "startedAt" },
    { scim: `${ACME}:contractor`, app: "contractor" },
    { scim: `${ACME}:badge`, app: "badge" },
  ],
};

test("the memory store sorts by the attribute's type", async () => {
  expect(await sorted(memoryStore())).toEqual(EXPECTED);
});

test("the memory store sorts by the attribute's type under a mapping", async () => {
  expect(await sorted(memoryStore(), MAPPING)).toEqual(EXPECTED);
});

test("the SQLite store sorts by the attribute's type, with and without a mapping", async () => {
  for (const mapping of [undefined, MAPPING]) {
    const store = sqliteStore({ filename: ":memory:", migrate: true });
    try {
      expect(await sorted(store, mapping)).toEqual(EXPECTED);
    } finally {
      await store.close();
    }
  }
});

describePostgres("PostgreSQL", () => {
  const db = testSchema("scim_sort_types");
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());

  test("the PostgreSQL store sorts by the attribute's type", async () => {
    expect(await sorted(db.store())).toEqual(EXPECTED);
  });

  test("the PostgreSQL store sorts by the attribute's type under a mapping", async () => {
    // Its own schema: the first test's users would clash on userName otherwise.
    const other = testSchema("scim_sort_types_mapped");
    await other.migrate();
    try {
      expect(await sorted(other.store(), MAPPING)).toEqual(EXPECTED);
    } finally {
      await other.drop();
    }
  });
});
