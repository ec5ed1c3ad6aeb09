// Issue 17: GET /Groups/{id} of a 200,000-member group over HTTP on the memory, PostgreSQL and
// SQLite stores: time, body size, and the live heap growth while the response is written (a full
// GC every 100 ms, on a run of its own), streamed (the store's membersPage, 1,000 members a read) beside the same
// store without membersPage (the whole list read and stringified at once, as before). Also one
// page of the member list (membersCount=1000) at the start and near the end, and
// excludedAttributes=members. Live heap needs `global.gc`: without it this runs in a child
// `node --expose-gc` (as group-lists.js does).

const { HEADERS, startHost, timeIt, withGc } = require("./util");
const { TENANT, memoryWithUsers, postgresWithUsers, sqliteWithUsers } = require("./sql-util");

const SIZE = Number(process.env.BENCH_GROUP_READ || 200_000);
const RUNS = 3;
const mb = (n) => n / 2 ** 20;

/** Reads the body chunk by chunk, as a client that does not hold it would; returns its size. */
async function drain(url) {
  const res = await fetch(url, { headers: HEADERS });
  if (res.status !== 200) throw new Error(`GET ${url} -> ${res.status}`);
  let bytes = 0;
  for await (const chunk of res.body) bytes += chunk.length;
  return { bytes, link: res.headers.get("link") };
}

/**
 * Median time of `runs` requests, then the largest live heap growth seen during one more. A full
 * GC over a heap of 200,000 users is slow, so the heap is sampled on a run of its own (the next GC
 * a pause after the last one ends), and the times are taken without it.
 */
async function measure(url, runs = RUNS) {
  let out;
  const time = await timeIt(runs, async () => {
    out = await drain(url);
  });
  let peak = 0;
  let sampling = true;
  global.gc();
  const base = process.memoryUsage().heapUsed;
  const sample = () => {
    if (!sampling) return;
    global.gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    timer = setTimeout(sample, 100);
  };
  let timer = setTimeout(sample, 100);
  try {
    await drain(url);
  } finally {
    sampling = false;
    clearTimeout(timer);
  }
  return { time, peak, ...out };
}

/** A group of the first SIZE users, filled the fastest way each store allows. */
async function bigGroup(label, loaded) {
  const ctx = { tenant: TENANT };
  const members = loaded.ids.slice(0, SIZE).map((value) => ({ value, type: "User" }));
  if (label === "memory") return loaded.store.groups.create(ctx, { displayName: "big" }, { members });
  const group = await loaded.store.groups.create(ctx, { displayName: "big" });
  const sql = (schema) =>
    `INSERT INTO ${schema}memberships (tenant, group_id, member_id, member_type)` +
    ` SELECT tenant, ${label === "postgres" ? "$2" : "?"}, id, 'User' FROM ${schema}users` +
    ` WHERE tenant = ${label === "postgres" ? "$1" : "?"} ORDER BY seq LIMIT ${label === "postgres" ? "$3" : "?"}`;
  if (label === "postgres") await loaded.pool.query(sql(`"${loaded.schema}".`), [TENANT, group.id, SIZE]);
  else loaded.db.prepare(sql("")).run(group.id, TENANT, SIZE);
  return group;
}

/** The same store without membersPage: GET reads and stringifies the whole list, as before issue 17. */
function wholeList(store) {
  const { membersPage: _, ...groups } = store.groups;
  return { ...store, groups };
}

async function storeRows(label, setup) {
  process.stderr.write(`group-read: ${label}: loading ${SIZE} users\n`);
  const loaded = await setup(SIZE);
  const group = await bigGroup(label, loaded);
  const streamed = await startHost(loaded.store);
  const whole = await startHost(wholeList(loaded.store));
  try {
    const path = `/Groups/${group.id}`;
    process.stderr.write(`group-read: ${label}: measuring\n`);
    const now = await measure(`${streamed.scim}${path}`);
    // The whole-list read can fail where the streamed one does not (PostgreSQL's statement
    // timeout on one 200,000-row statement under load: 503): reported, not fatal.
    const before = await measure(`${whole.scim}${path}`).catch((error) => ({ error: String(error.message) }));
    const first = await measure(`${streamed.scim}${path}?membersCount=1000`, 5);
    const cursor = Buffer.from([...loaded.ids.slice(0, SIZE)].sort().at(-1001), "utf8").toString("base64url");
    const last = await measure(`${streamed.scim}${path}?membersCount=1000&membersCursor=${cursor}`, 5);
    const lean = await measure(`${streamed.scim}${path}?excludedAttributes=members`, 5);
    const size = SIZE.toLocaleString("en");
    return [
      {
        name: `${label}: GET /Groups/{id}, ${size} members, streamed`,
        value: now.time.median,
        unit: "ms",
        spread: `p10 ${now.time.p10.toFixed(0)} / p90 ${now.time.p90.toFixed(0)}`,
      },
      {
        name: `  live heap growth while it is written (body ${mb(now.bytes).toFixed(1)} MiB)`,
        value: mb(now.peak),
        unit: "MiB",
        ...(before.error ? {} : { ratio: now.peak / before.peak }),
        target: "< 50 MiB; ratio to the whole-list read",
      },
      ...(before.error
        ? [{ name: `  same group read whole (no membersPage, as before): failed`, value: before.error, unit: "" }]
        : [
            {
              name: `  same group read whole (no membersPage, as before)`,
              value: before.time.median,
              unit: "ms",
              ratio: before.time.median / now.time.median,
            },
            { name: `  its live heap growth`, value: mb(before.peak), unit: "MiB" },
          ]),
      { name: `  membersCount=1000, first page`, value: first.time.median, unit: "ms" },
      {
        name: `  membersCount=1000, last page (cursor)`,
        value: last.time.median,
        unit: "ms",
        ratio: last.time.median / first.time.median,
        target: "ratio near 1",
      },
      { name: `  excludedAttributes=members`, value: lean.time.median, unit: "ms" },
    ];
  } finally {
    streamed.server.close();
    whole.server.close();
    await loaded.close();
  }
}

async function run() {
  const rows = [];
  for (const [label, setup] of [
    ["memory", memoryWithUsers],
    ["postgres", postgresWithUsers],
    ["sqlite", sqliteWithUsers],
  ])
    rows.push(...(await storeRows(label, setup)));
  return rows;
}

module.exports = withGc(module, run);
