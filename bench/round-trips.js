// Issue 17: what a request costs the database. Per store, over HTTP against a real server:
// - `userName eq` through the router beside a bare Express route that runs the same prepared
//   lookup on the same data (ratio = bare median / router median; target >= 0.6);
// - statements (SQLite), round trips (PostgreSQL, the store's own pool) or store calls (memory)
//   of list pages, a lookup and PATCHes. BENCH_RT_USERS users (default 100,000), BENCH_RT_RUNS runs.

const express = require("express");
const { Client } = require("pg");
const Database = require("better-sqlite3");
const { call, startHost } = require("./util");
const { TENANT, name, memoryWithUsers, postgresWithUsers, sqliteWithUsers, timeEach } = require("./sql-util");
const { faultyStore } = require("../dist/cjs/testing");

const USERS = Number(process.env.BENCH_RT_USERS || 100_000);
const RUNS = Number(process.env.BENCH_RT_RUNS || 500);
const DATABASE_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const PAGE = 100;

async function listen(app) {
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () =>
      resolve({ server, base: `http://127.0.0.1:${server.address().port}` }),
    );
  });
}

/** A bare Express route answering `?userName=` with `lookup(folded name)` as JSON. */
async function bareRoute(lookup) {
  const app = express();
  app.get("/lookup", async (req, res) =>
    res.json({ Resources: await lookup(String(req.query.userName).toLowerCase()) }),
  );
  return listen(app);
}

/** Wraps `proto[method]` to count calls; returns the undo. */
function counting(proto, method, seen) {
  const original = proto[method];
  proto[method] = function (...args) {
    seen.push(args[0]);
    return original.apply(this, args);
  };
  return () => {
    proto[method] = original;
  };
}

async function lookupRatio(label, scimBase, bare) {
  const pick = (i) => name((i * 7919) % USERS).toUpperCase();
  const scimUrl = (i) => `${scimBase}/Users?filter=${encodeURIComponent(`userName eq "${pick(i)}"`)}`;
  const bareUrl = (i) => `${bare.base}/lookup?userName=${encodeURIComponent(pick(i))}`;
  for (let i = 0; i < 50; i++) {
    await call("GET", scimUrl(i));
    await call("GET", bareUrl(i));
  }
  // Interleaved, so both see the same machine load.
  const scimTimes = [];
  const bareTimes = [];
  for (let i = 0; i < RUNS; i++) {
    scimTimes.push((await timeEach(1, () => call("GET", scimUrl(i + 50)))).median);
    bareTimes.push((await timeEach(1, () => call("GET", bareUrl(i + 50)))).median);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const scim = median(scimTimes);
  const plain = median(bareTimes);
  return [
    { name: `${label}: userName eq over HTTP (${USERS.toLocaleString("en")} users)`, value: scim, unit: "ms" },
    {
      name: `${label}: userName eq, bare Express route with the same prepared query / router`,
      value: plain,
      unit: "ms",
      ratio: plain / scim,
      target: ">= 0.6",
    },
  ];
}

/** 100 groups of 5 of the first users, so list pages have User.groups and Group.members to read. */
async function seedGroups(store, ids) {
  const groups = [];
  for (let g = 0; g < PAGE; g++) {
    const members = ids.slice((g * 5) % PAGE, ((g * 5) % PAGE) + 5).map((value) => ({ value, type: "User" }));
    groups.push((await store.groups.create({ tenant: TENANT }, { displayName: `bench group ${g}` }, { members })).id);
  }
  return groups;
}

async function requestCosts(label, unit, scimBase, seen, ids, groups) {
  const patch = (path, op) =>
    call("PATCH", `${scimBase}${path}`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [op],
    });
  const requests = [
    [`GET /Users?count=${PAGE}`, () => call("GET", `${scimBase}/Users?count=${PAGE}`)],
    [`GET /Groups?count=${PAGE}`, () => call("GET", `${scimBase}/Groups?count=${PAGE}`)],
    [`GET /Users?count=0`, () => call("GET", `${scimBase}/Users?count=0`)],
    [
      "userName eq lookup",
      () => call("GET", `${scimBase}/Users?filter=${encodeURIComponent(`userName eq "${name(7)}"`)}`),
    ],
    ["user PATCH", () => patch(`/Users/${ids[3]}`, { op: "replace", path: "displayName", value: "Renamed" })],
    [
      "group PATCH (add a member)",
      () => patch(`/Groups/${groups[1]}`, { op: "add", path: "members", value: [{ value: ids[90] }] }),
    ],
  ];
  const rows = [];
  for (const [what, run] of requests) {
    seen.splice(0);
    await run();
    rows.push({ name: `${label}: ${what}`, value: seen.length, unit });
  }
  return rows;
}

async function memoryRows() {
  const loaded = await memoryWithUsers(USERS);
  const byName = new Map(loaded.ids.map((id, i) => [name(i), id]));
  const bare = await bareRoute(async (userName) => {
    const id = byName.get(userName);
    return id ? [{ id, userName }] : [];
  });
  const counted = faultyStore(loaded.store);
  const host = await startHost(counted);
  const rows = await lookupRatio("memory", host.scim, bare);
  const groups = await seedGroups(loaded.store, loaded.ids);
  const seen = [];
  counted.setPlan({ onCall: (c) => seen.push(c.method) });
  rows.push(...(await requestCosts("memory", "store calls", host.scim, seen, loaded.ids, groups)));
  host.server.close();
  bare.server.close();
  return rows;
}

async function sqliteRows() {
  const loaded = await sqliteWithUsers(USERS);
  const lookup = loaded.db.prepare(
    "SELECT id, version, created, last_modified, record FROM users WHERE tenant = ? AND user_name_fold = ?",
  );
  const bare = await bareRoute(async (userName) =>
    lookup.all(TENANT, userName).map((r) => ({ id: r.id, ...JSON.parse(r.record) })),
  );
  const host = await startHost(loaded.store);
  const rows = await lookupRatio("sqlite", host.scim, bare);
  const groups = await seedGroups(loaded.store, loaded.ids);
  const seen = [];
  const statement = Object.getPrototypeOf(loaded.db.prepare("SELECT 1"));
  const undo = [
    ...["all", "run", "get", "iterate"].map((m) => counting(statement, m, seen)),
    counting(Database.prototype, "exec", seen),
  ];
  rows.push(...(await requestCosts("sqlite", "statements", host.scim, seen, loaded.ids, groups)));
  for (const u of undo) u();
  host.server.close();
  bare.server.close();
  await loaded.close();
  return rows;
}

async function postgresRows() {
  const loaded = await postgresWithUsers(USERS);
  const { postgresStore } = require("../dist/cjs/stores/postgres");
  // The store's own pool: prepared statements, lone reads without BEGIN/COMMIT.
  const store = postgresStore({ connectionString: DATABASE_URL, schema: loaded.schema });
  const text = `SELECT id, version, created, last_modified, record FROM "${loaded.schema}".users WHERE tenant = $1 AND user_name_fold = $2`;
  const bare = await bareRoute(async (userName) => {
    const { rows } = await loaded.pool.query({ name: "bench_lookup", text, values: [TENANT, userName] });
    return rows.map((r) => ({ id: r.id, ...r.record }));
  });
  const host = await startHost(store);
  const rows = await lookupRatio("postgres", host.scim, bare);
  const groups = await seedGroups(store, loaded.ids);
  const seen = [];
  const undo = counting(Client.prototype, "query", seen);
  rows.push(...(await requestCosts("postgres", "round trips", host.scim, seen, loaded.ids, groups)));
  undo();
  host.server.close();
  bare.server.close();
  await store.close();
  await loaded.close();
  return rows;
}

module.exports = async function roundTrips() {
  return [...(await memoryRows()), ...(await sqliteRows()), ...(await postgresRows())];
};
