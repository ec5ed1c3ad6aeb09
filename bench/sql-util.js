// Shared set-up for the SQL store benchmarks: stores with many users loaded in bulk (batched
// multi-row INSERTs straight into the tables, so a million rows take seconds, not an hour).

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { randomUUID, randomBytes } = require("node:crypto");
const { memoryStore } = require("../dist/cjs");

const TENANT = "default";
const DATABASE_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const name = (i) => `user${i}@example.com`;

async function memoryWithUsers(count) {
  const store = memoryStore();
  store.configure({
    users: [{ path: ["userName"], caseExact: false }],
    groups: [{ path: ["displayName"], caseExact: false }],
  });
  const ids = [];
  for (let i = 0; i < count; i++)
    ids.push((await store.users.create({ tenant: TENANT }, { userName: name(i), active: true })).id);
  return { store, ids, close: async () => undefined };
}

/**
 * `ownPool`: the store opens its own pool from the URL, as docs/stores.md tells users to (its
 * statements are prepared once per connection); otherwise it runs on the host's pool (`pool`,
 * which seeds the rows either way), where every statement is parsed and planned each time.
 */
async function postgresWithUsers(count, { ownPool = false } = {}) {
  const { Pool } = require("pg");
  const { postgresStore } = require("../dist/cjs/stores/postgres");
  const schema = `scim_bench_${randomBytes(4).toString("hex")}`;
  const pool = new Pool({ connectionString: DATABASE_URL, max: 20 });
  const store = ownPool ? postgresStore({ connectionString: DATABASE_URL, schema }) : postgresStore({ pool, schema });
  await store.migrate();
  const batch = 100_000;
  for (let from = 0; from < count; from += batch) {
    const to = Math.min(count, from + batch) - 1;
    await pool.query(
      `INSERT INTO "${schema}".users (tenant, id, version, created, last_modified, record, user_name, user_name_fold, display)
       SELECT $1, gen_random_uuid()::text, 1, now(), now(), jsonb_build_object('userName', 'user' || g || '@example.com', 'active', true),
              'user' || g || '@example.com', 'user' || g || '@example.com', 'user' || g || '@example.com'
       FROM generate_series($2::int, $3::int) g ORDER BY g`,
      [TENANT, from, to],
    );
  }
  await pool.query(`ANALYZE "${schema}".users`);
  const { rows } = await pool.query(`SELECT id FROM "${schema}".users WHERE tenant = $1 ORDER BY seq`, [TENANT]);
  return {
    store,
    pool,
    schema,
    ids: rows.map((r) => r.id),
    close: async () => {
      if (ownPool) await store.close();
      await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

async function sqliteWithUsers(count) {
  const Database = require("better-sqlite3");
  const { sqliteStore } = require("../dist/cjs/stores/sqlite");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scim-bench-"));
  const filename = path.join(dir, "bench.db");
  const store = sqliteStore({ filename, migrate: true });
  const db = new Database(filename);
  // The users table's triggers and sort-key index call the store's functions.
  require("../dist/cjs/stores/sqlite/functions").registerFunctions(db);
  db.pragma("journal_mode = WAL");
  const insert = db.prepare(
    "INSERT INTO users (tenant, id, version, created, last_modified, record, user_name, user_name_fold, display) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)",
  );
  const ids = [];
  const load = db.transaction((from, to) => {
    const now = Date.now();
    for (let i = from; i < to; i++) {
      const id = randomUUID();
      ids.push(id);
      insert.run(TENANT, id, now, now, JSON.stringify({ userName: name(i), active: true }), name(i), name(i), name(i));
    }
  });
  for (let from = 0; from < count; from += 100_000) load(from, Math.min(count, from + 100_000));
  db.exec("ANALYZE");
  return {
    store,
    db,
    ids,
    close: async () => {
      db.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { median: q(0.5), p99: q(0.99), n: sorted.length };
}

async function timeEach(runs, fn) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return percentiles(samples);
}

module.exports = { TENANT, name, memoryWithUsers, postgresWithUsers, sqliteWithUsers, timeEach };
