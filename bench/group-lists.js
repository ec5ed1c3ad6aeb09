// Issue 13: group lists over large groups on the memory store, over HTTP. A page of 100 groups of
// 10,000 members with and without members, the live heap while it is written, and
// `members.value eq` over those groups (answered from the membership index). Live heap needs
// `global.gc`: without it the measurement runs in a child `node --expose-gc` (as memory.js does).

const { memoryStore } = require("../dist/cjs");
const { HEADERS, startHost, timeIt, withGc } = require("./util");

const GROUPS = Number(process.env.BENCH_LIST_GROUPS || 100);
const MEMBERS = Number(process.env.BENCH_LIST_MEMBERS || 10_000);
const RUNS = 3;

/** Reads the body chunk by chunk, as a client that does not hold it would; returns its size. */
async function drain(url) {
  const res = await fetch(url, { headers: HEADERS });
  if (res.status !== 200) throw new Error(`GET ${url} -> ${res.status}`);
  let bytes = 0;
  for await (const chunk of res.body) bytes += chunk.length;
  return bytes;
}

/** Median time of RUNS requests, and the largest live heap growth seen while they ran (a full GC every 100 ms). */
async function measure(url) {
  let peak = 0;
  let bytes = 0;
  global.gc();
  const base = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    global.gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed - base);
  }, 100);
  try {
    const time = await timeIt(RUNS, async () => (bytes = await drain(url)));
    return { time, peak, bytes };
  } finally {
    clearInterval(timer);
  }
}

async function run() {
  const store = memoryStore();
  const host = await startHost(store);
  try {
    const ctx = { tenant: "default" };
    const users = [];
    for (let i = 0; i < MEMBERS; i++)
      users.push((await store.users.create(ctx, { userName: `user${i}@example.com`, displayName: `User ${i}` })).id);
    const members = users.map((value) => ({ value, type: "User" }));
    for (let g = 0; g < GROUPS; g++) await store.groups.create(ctx, { displayName: `group ${g}` }, { members });
    const page = `${host.scim}/Groups?startIndex=1&count=${GROUPS}`;
    const full = await measure(page);
    const lean = await measure(`${page}&excludedAttributes=members`);
    const filter = encodeURIComponent(`members.value eq "${users[MEMBERS - 1]}"`);
    const lookup = await measure(`${host.scim}/Groups?filter=${filter}&excludedAttributes=members`);
    const label = `${GROUPS} groups x ${MEMBERS} members`;
    const mb = (n) => n / 2 ** 20;
    return [
      {
        name: `GET /Groups?count=${GROUPS}, ${label}`,
        value: full.time.median,
        unit: "ms",
        spread: `p10 ${full.time.p10.toFixed(0)} / p90 ${full.time.p90.toFixed(0)}`,
      },
      { name: `  its body`, value: mb(full.bytes), unit: "MiB" },
      {
        name: `  live heap growth while it is written (sampled)`,
        value: mb(full.peak),
        unit: "MiB",
        ratio: full.peak / full.bytes,
        target: "ratio to body well below 1",
      },
      {
        name: `same with excludedAttributes=members`,
        value: lean.time.median,
        unit: "ms",
        ratio: lean.time.median / full.time.median,
      },
      { name: `members.value eq "id" over ${label}`, value: lookup.time.median, unit: "ms" },
    ];
  } finally {
    host.server.close();
  }
}

module.exports = withGc(module, run);
