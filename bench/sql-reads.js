// Issue 17: the reads identity providers and sync tools send, over HTTP, on the PostgreSQL and
// SQLite stores, medians beside the issue's figures (1,000,000 users, before its indexes).
// Seeded in bulk inside each database. BENCH_READS_USERS sets the size (default 100,000);
// `npm run bench -- sql-reads --full` runs the issue's 1,000,000. Pages of 100 exclude User.groups,
// read per listed user until the list's round trips are batched (issue 17, another part): here
// the filter and the sort are measured.

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { randomBytes } = require("node:crypto");
const { call, startHost } = require("./util");
const { TENANT, timeEach } = require("./sql-util");

const USERS = process.env.BENCH_READS_FULL ? 1_000_000 : Number(process.env.BENCH_READS_USERS || 100_000);
const GROUPS = Math.max(1, Math.floor(USERS / 100));
const RUNS = Number(process.env.BENCH_READS_RUNS || 40);
const DATABASE_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const EPOCH = Date.UTC(2024, 0, 1);
const NO_GROUPS = "excludedAttributes=groups";
const at = (i) => new Date(EPOCH + i * 1000).toISOString();

/** [name, query string (i varies the literal), expected totalResults or undefined, issue figure ms {postgres, sqlite}] */
const SHAPES = [
  ["userName eq (reference)", (i) => `filter=${q(`userName eq "USER${pick(i)}"`)}`, 1, { postgres: 13, sqlite: 6 }],
  ["externalId eq", (i) => `filter=${q(`externalId eq "ext${pick(i)}"`)}`, 1],
  ["emails.value eq", (i) => `filter=${q(`emails.value eq "User${pick(i)}@Example.com"`)}`, 1],
  [
    "userName sw",
    (i) => `filter=${q(`userName sw "user${12 + (i % 8)}"`)}&count=100&${NO_GROUPS}`,
    undefined,
    { postgres: 1281, sqlite: 355 },
  ],
  [
    "meta.lastModified gt (last 100)",
    () => `filter=${q(`meta.lastModified gt "${at(USERS - 100)}"`)}&count=100&${NO_GROUPS}`,
    100,
    { postgres: 2124, sqlite: 1070 },
  ],
  ["sortBy=userName&count=100", () => `sortBy=userName&count=100&${NO_GROUPS}`, USERS, { postgres: 737, sqlite: 2589 }],
  [
    "sortBy=meta.lastModified descending, count=100",
    () => `sortBy=meta.lastModified&sortOrder=descending&count=100&${NO_GROUPS}`,
    USERS,
  ],
];
const GROUP_SHAPES = [
  ["Groups: members.value eq", (i) => `filter=${q(`members.value eq "u${pick(i)}"`)}&excludedAttributes=members`, 1],
  [
    "Groups: displayName sw",
    (i) => `filter=${q(`displayName sw "group${1 + (i % 9)}"`)}&excludedAttributes=members&count=100`,
  ],
];

const q = (filter) => encodeURIComponent(filter);
const pick = (i) => 1 + ((i * 7919) % USERS);

async function postgres() {
  const { Pool } = require("pg");
  const { postgresStore } = require("../dist/cjs/stores/postgres");
  const schema = `scim_bench_${randomBytes(4).toString("hex")}`;
  const S = `"${schema}"`;
  const pool = new Pool({ connectionString: DATABASE_URL, max: 20 });
  const store = postgresStore({ pool, schema });
  await store.migrate();
  const batch = 100_000;
  for (let from = 1; from <= USERS; from += batch) {
    await pool.query(
      `INSERT INTO ${S}.users (tenant, id, version, created, last_modified, record, user_name, user_name_fold, external_id, display)
       SELECT $1, 'u' || i, 1, to_timestamp($2 / 1000.0), to_timestamp(($2 + i * 1000) / 1000.0),
         jsonb_build_object('userName', 'user' || i, 'externalId', 'ext' || i, 'active', true,
           'emails', jsonb_build_array(jsonb_build_object('value', 'user' || i || '@example.com', 'type', 'work'))),
         'user' || i, 'user' || i, 'ext' || i, 'user' || i
       FROM generate_series($3::int, $4::int) i`,
      [TENANT, EPOCH, from, Math.min(USERS, from + batch - 1)],
    );
  }
  await pool.query(
    `INSERT INTO ${S}.groups (tenant, id, version, created, last_modified, record, display_name, display_name_fold, display)
     SELECT $1, 'g' || j, 1, now(), now(), jsonb_build_object('displayName', 'group' || j), 'group' || j, 'group' || j, 'group' || j
     FROM generate_series(1, $2::int) j`,
    [TENANT, GROUPS],
  );
  await pool.query(
    `INSERT INTO ${S}.memberships (tenant, group_id, member_id, member_type)
     SELECT tenant, 'g' || ((substr(id, 2)::int % $1::int) + 1), id, 'User' FROM ${S}.users`,
    [GROUPS],
  );
  await pool.query(`VACUUM ANALYZE ${S}.users`);
  await pool.query(`VACUUM ANALYZE ${S}.groups`);
  await pool.query(`VACUUM ANALYZE ${S}.memberships`);
  return {
    store,
    close: async () => {
      await pool.query(`DROP SCHEMA ${S} CASCADE`);
      await pool.end();
    },
  };
}

async function sqlite() {
  const Database = require("better-sqlite3");
  const { sqliteStore } = require("../dist/cjs/stores/sqlite");
  const { registerFunctions } = require("../dist/cjs/stores/sqlite/functions");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scim-bench-reads-"));
  const filename = path.join(dir, "bench.db");
  await sqliteStore({ filename, migrate: true }).close();
  const db = new Database(filename);
  registerFunctions(db);
  db.pragma("journal_mode = WAL");
  db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${USERS})
    INSERT INTO users (tenant, id, version, created, last_modified, record, user_name, user_name_fold, external_id, display)
    SELECT '${TENANT}', 'u' || i, 1, ${EPOCH}, ${EPOCH} + i * 1000,
      json_object('userName', 'user' || i, 'externalId', 'ext' || i, 'active', json('true'),
        'emails', json_array(json_object('value', 'user' || i || '@example.com', 'type', 'work'))),
      'user' || i, 'user' || i, 'ext' || i, 'user' || i FROM n`);
  db.exec(`WITH RECURSIVE n(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM n WHERE j < ${GROUPS})
    INSERT INTO groups (tenant, id, version, created, last_modified, record, display_name, display_name_fold, display)
    SELECT '${TENANT}', 'g' || j, 1, ${EPOCH}, ${EPOCH}, json_object('displayName', 'group' || j), 'group' || j, 'group' || j, 'group' || j FROM n`);
  db.exec(`INSERT INTO memberships (tenant, group_id, member_id, member_type)
    SELECT tenant, 'g' || ((CAST(substr(id, 2) AS INTEGER) % ${GROUPS}) + 1), id, 'User' FROM users`);
  db.close();
  // Opened after the seeding: the store gathers its statistics (PRAGMA optimize) as it opens.
  const store = sqliteStore({ filename });
  return {
    store,
    close: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function measure(label, setup) {
  const t0 = Date.now();
  const loaded = await setup();
  const loadSeconds = (Date.now() - t0) / 1000;
  const host = await startHost(loaded.store);
  const rows = [];
  // A failed request must not leave a 1M-row schema behind.
  try {
    for (const [name, query, expected, before] of [
      ...SHAPES,
      ...GROUP_SHAPES.map(([n, ...rest]) => [n, ...rest, undefined, "Groups"]),
    ]) {
      const resource = name.startsWith("Groups:") ? "Groups" : "Users";
      const get = async (i) => {
        const res = await call("GET", `${host.scim}/${resource}?${query(i)}`);
        if (expected !== undefined && res.totalResults !== expected)
          throw new Error(`${label} ${name}: expected ${expected} results, got ${res.totalResults}`);
      };
      for (let i = 0; i < 3; i++) await get(i);
      const s = await timeEach(RUNS, (i) => get(i + 3));
      const previous = before?.[label];
      rows.push({
        name: `${label}: ${name}, ${USERS.toLocaleString("en")} users (load ${loadSeconds.toFixed(0)} s)`,
        value: s.median,
        unit: "ms",
        spread: `p99 ${s.p99.toFixed(1)}${previous ? `; issue 17 at 1M: ${previous} ms` : ""}`,
        target: "< 20 ms",
      });
    }
  } finally {
    host.server.close();
    await loaded.close();
  }
  return rows;
}

module.exports = async function sqlReads() {
  return [...(await measure("postgres", postgres)), ...(await measure("sqlite", sqlite))];
};
