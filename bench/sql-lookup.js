// Issue 7: GET /Users?filter=userName eq "..." over 1,000,000 users (BENCH_SQL_USERS to change),
// on the memory, PostgreSQL and SQLite stores over HTTP; latency median and p99, and each SQL
// store's ratio to the memory store measured in the same run.

const { call, startHost } = require("./util");
const { name, memoryWithUsers, postgresWithUsers, sqliteWithUsers, timeEach } = require("./sql-util");

const USERS = Number(process.env.BENCH_SQL_USERS || 1_000_000);
const RUNS = Number(process.env.BENCH_SQL_RUNS || 500);

async function measure(label, setup) {
  const t0 = Date.now();
  const loaded = await setup(USERS);
  const loadSeconds = (Date.now() - t0) / 1000;
  const host = await startHost(loaded.store);
  const pick = (i) => name((i * 7919) % USERS).toUpperCase();
  for (let i = 0; i < 20; i++)
    await call("GET", `${host.scim}/Users?filter=${encodeURIComponent(`userName eq "${pick(i)}"`)}`);
  const s = await timeEach(RUNS, async (i) => {
    const res = await call("GET", `${host.scim}/Users?filter=${encodeURIComponent(`userName eq "${pick(i + 20)}"`)}`);
    if (res.totalResults !== 1) throw new Error(`${label}: expected one user, got ${res.totalResults}`);
  });
  host.server.close();
  await loaded.close();
  return { label, loadSeconds, ...s };
}

module.exports = async function sqlLookup() {
  const count = USERS.toLocaleString("en");
  const memory = await measure("memory", memoryWithUsers);
  const rows = [
    {
      name: `memory: userName eq over ${count} users`,
      value: memory.median,
      unit: "ms",
      spread: `p99 ${memory.p99.toFixed(2)}`,
    },
  ];
  for (const [label, setup] of [
    ["postgres", postgresWithUsers],
    ["sqlite", sqliteWithUsers],
  ]) {
    const r = await measure(label, setup);
    rows.push({
      name: `${label}: userName eq over ${count} users (load ${r.loadSeconds.toFixed(0)} s)`,
      value: r.median,
      unit: "ms",
      spread: `p99 ${r.p99.toFixed(2)}`,
      ratio: r.median / memory.median,
    });
    rows.push({ name: `${label}: userName eq p99 / memory p99`, value: r.p99 / memory.p99, unit: "x" });
  }
  return rows;
};
