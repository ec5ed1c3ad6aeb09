// Issue 20: what the console's request log adds to a GET /Users/{id}, on SQLite and PostgreSQL.
// One store, three routers on it: /plain without the log, /logged with `requestLog` on the store's
// table as configured by default (bodies of failures only), /bodies keeping every body (the
// costliest setting, for reference). Rounds alternate them so drift hits all alike; the log's
// batches are written between rounds and while requests run.

const express = require("express");
const { scim, ALL_SCOPES } = require("../dist/cjs");
const { HEADERS, TOKEN } = require("./util");
const { postgresWithUsers, sqliteWithUsers, timeEach } = require("./sql-util");

const USERS = Number(process.env.BENCH_LOG_USERS || 10_000);
const ROUNDS = Number(process.env.BENCH_LOG_ROUNDS || 6);
const PER_ROUND = Number(process.env.BENCH_LOG_RUNS || 150);

async function host(store) {
  const app = express();
  const common = { store, tokens: [{ token: TOKEN, scopes: [...ALL_SCOPES], label: "okta-bench" }], rateLimit: false };
  app.use("/plain", scim(common));
  app.use("/logged", scim({ ...common, requestLog: { log: store.requestLog } }));
  app.use("/bodies", scim({ ...common, requestLog: { log: store.requestLog, sampleSuccesses: 1 } }));
  const server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

async function measure(label, setup) {
  const loaded = await setup(USERS);
  const { server, base } = await host(loaded.store);
  const get = (mount) => async (i) => {
    const id = loaded.ids[(i * 7919) % loaded.ids.length];
    const res = await fetch(`${base}/${mount}/Users/${id}`, { headers: HEADERS });
    await res.text();
    if (res.status !== 200) throw new Error(`${label}: GET ${mount} -> ${res.status}`);
  };
  for (let i = 0; i < 50; i++) await get(i % 2 ? "plain" : "logged")(i);
  const medians = { plain: [], logged: [], bodies: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mount of round % 2 ? ["bodies", "logged", "plain"] : ["plain", "logged", "bodies"]) {
      medians[mount].push((await timeEach(PER_ROUND, get(mount))).median);
    }
    await loaded.store.requestLog.flush();
  }
  const logged = (await loaded.store.requestLog.list({ count: 0 })).total;
  server.close();
  await loaded.close();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    label,
    plain: median(medians.plain),
    logged: median(medians.logged),
    bodies: median(medians.bodies),
    entries: logged,
  };
}

module.exports = async function requestLog() {
  const rows = [];
  for (const [label, setup] of [
    ["sqlite", sqliteWithUsers],
    ["postgres", postgresWithUsers],
  ]) {
    const m = await measure(label, setup);
    rows.push({ name: `${label}: GET /Users/{id}, no request log`, value: m.plain, unit: "ms" });
    rows.push({
      name: `${label}: GET /Users/{id}, request log (default: failures' bodies)`,
      value: m.logged,
      unit: "ms",
      spread: `${m.entries} entries written in all`,
      ratio: m.logged / m.plain,
      target: "< 1.10",
    });
    rows.push({
      name: `${label}: GET /Users/{id}, request log keeping every body`,
      value: m.bodies,
      unit: "ms",
      ratio: m.bodies / m.plain,
    });
  }
  return rows;
};
