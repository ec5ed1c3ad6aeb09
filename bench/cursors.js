// Issue 17: RFC 9865 cursor pages over HTTP, page 1 against page 9,000 of an unsorted full list
// (what an identity provider's import walks), on the memory store (200,000 users) and on
// PostgreSQL and SQLite (1,000,000; BENCH_CURSOR_USERS to change). Page 9,000's cursor is sealed
// here with the router's secret rather than reached by walking 9,000 pages first: the request
// measured is the same one a client that walked there would send. Each store seeks (keyset), so
// the ratio should stay near 1. An unfiltered walk's exact totalResults is one row of tenant_counts.

const { cursorScope, sealCursor } = require("../dist/cjs/service/cursor");
const { HEADERS, startHost } = require("./util");
const { TENANT, memoryWithUsers, postgresWithUsers, sqliteWithUsers, timeEach } = require("./sql-util");

const SQL_USERS = Number(process.env.BENCH_CURSOR_USERS || 1_000_000);
const MEMORY_USERS = Number(process.env.BENCH_CURSOR_MEMORY_USERS || 200_000);
const RUNS = Number(process.env.BENCH_CURSOR_RUNS || 30);
const DEEP = 9_000;
const SECRET = "benchmark cursor secret, 32 bytes or more";

/** Page 9,000's cursor: the position after row 8,999 x count, in the store's own terms. */
function deepCursor(position) {
  const keys = { secret: Buffer.from(SECRET), timeoutSeconds: 3600, now: Date.now };
  return sealCursor(keys, cursorScope(["User", TENANT, null, null]), { k: position });
}

async function get(url) {
  const res = await fetch(url, { headers: HEADERS });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`GET ${url} -> ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
  return body;
}

async function measure(label, users, setup, seqAt) {
  const loaded = await setup(users);
  const count = Math.min(100, Math.floor(users / (DEEP + 1)));
  const host = await startHost(loaded.store, { cursors: { secret: SECRET } });
  try {
    const first = `${host.scim}/Users?count=${count}&cursor=`;
    const position = await seqAt(loaded, (DEEP - 1) * count);
    const deep = `${host.scim}/Users?count=${count}&cursor=${deepCursor(position)}`;
    // The deep page starts right after row 8,999 x count: checked once, so the numbers mean what they say.
    const page = await get(deep);
    if (page.Resources[0]?.id !== loaded.ids[(DEEP - 1) * count]) throw new Error(`${label}: page ${DEEP} is wrong`);
    for (let i = 0; i < 5; i++) {
      await get(first);
      await get(deep);
    }
    const one = await timeEach(RUNS, () => get(first));
    const far = await timeEach(RUNS, () => get(deep));
    return { label, users, count, one, far };
  } finally {
    host.server.close();
    await loaded.close();
  }
}

module.exports = async function cursors() {
  const results = [
    // Memory rows are numbered from 1 in insertion order.
    await measure("memory", MEMORY_USERS, memoryWithUsers, async (_l, n) => [null, n]),
    await measure("postgres", SQL_USERS, postgresWithUsers, async (l, n) => {
      const { rows } = await l.pool.query(`SELECT seq FROM "${l.schema}".users ORDER BY seq OFFSET $1 LIMIT 1`, [
        n - 1,
      ]);
      return [Number(rows[0].seq)];
    }),
    await measure("sqlite", SQL_USERS, sqliteWithUsers, async (l, n) => [
      l.db.prepare("SELECT seq FROM users ORDER BY seq LIMIT 1 OFFSET ?").get(n - 1).seq,
    ]),
  ];
  return results.flatMap((r) => {
    const of = `${r.users.toLocaleString("en")} users, count=${r.count}`;
    return [
      {
        name: `${r.label}: cursor page 1 (${of})`,
        value: r.one.median,
        unit: "ms",
        spread: `p99 ${r.one.p99.toFixed(2)}`,
      },
      {
        name: `${r.label}: cursor page ${DEEP.toLocaleString("en")} (${of})`,
        value: r.far.median,
        unit: "ms",
        spread: `p99 ${r.far.p99.toFixed(2)}`,
        ratio: r.far.median / r.one.median,
        target: "ratio < 1.5",
      },
    ];
  });
};
