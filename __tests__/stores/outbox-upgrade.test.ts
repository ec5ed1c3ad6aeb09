/**
 * An outbox written before SQLite migration 10 / PostgreSQL migration 11 (events lost the index
 * on time; SQLite's table was rebuilt without AUTOINCREMENT) keeps working after it: the feed
 * reads the same events with the same numbers, new events follow them, a pending delivery is
 * still claimed first, and prune still forgets only what it may.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Store } from "../../lib";
import { postgresStore } from "../../lib/stores/postgres";
import { sqliteStore } from "../../lib/stores/sqlite";
import { describePostgres, testSchema } from "./postgres-helpers";
import { postgresAt, sqliteAt } from "./schema-at";

const T0 = Date.parse("2026-06-01T00:00:00.000Z");
const ctx = { tenant: "acme" };
const OLD = [
  // [id, seq, resource, ms after T0]
  ["e-1", 1, "u1", 0],
  ["e-2", 2, "u2", 1_000],
  ["e-3", 3, "u1", 5_000_000],
] as const;
const lease = (ms: number) => ({
  owner: "after",
  now: new Date(T0 + ms),
  until: new Date(T0 + ms + 60_000),
  limit: 10,
});

/** What a host sees of an upgraded outbox; `old` holds e-1..e-3, e-1 pending for sink "hook". */
async function stillWorks(store: Store) {
  const outbox = store.outbox!;
  expect((await outbox.read(ctx, 0, 10)).map((e) => [e.id, e.seq, e.resourceId, e.data])).toEqual(
    OLD.map(([id, seq, resource]) => [id, seq, resource, { changed: ["title"] }]),
  );
  const next = {
    id: "e-4",
    type: "user.updated" as const,
    tenant: ctx.tenant,
    resourceType: "User" as const,
    resourceId: "u1",
    actor: "after",
    time: new Date(T0 + 6_000_000).toISOString(),
    data: { changed: ["displayName"] },
  };
  await store.transaction!(async (tx) => tx.outbox!.append(ctx, [next], ["hook"]));
  expect((await outbox.read(ctx, 3, 10)).map((e) => [e.id, e.seq])).toEqual([["e-4", 4]]);
  // u1's old pending event is its head: the new one waits behind it.
  expect((await outbox.claim("hook", lease(6_000_001))).map((c) => c.event.id)).toEqual(["e-1"]);
  await outbox.settle("hook", "after", [{ id: "e-1", outcome: "delivered" }]);
  expect((await outbox.claim("hook", lease(6_000_002))).map((c) => c.event.id)).toEqual(["e-4"]);
  // e-1 and e-2 are old and settled; e-3 is not old enough.
  expect(await outbox.prune(new Date(T0 + 2_000_000))).toBe(2);
  expect((await outbox.read(ctx, 0, 10)).map((e) => e.id)).toEqual(["e-3", "e-4"]);
}

describe("sqlite: an outbox from before migration 10", () => {
  test("reads, numbers, claims and prunes as before", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scim-outbox-upgrade-"));
    const filename = join(dir, "scim.db");
    try {
      const raw = sqliteAt(filename, 9);
      const insert = raw.prepare(
        "INSERT INTO events (id, tenant, seq, type, resource_type, resource_id, actor, time, data) VALUES (?, 'acme', ?, 'user.updated', 'User', ?, 'before', ?, ?)",
      );
      for (const [id, seq, resource, ms] of OLD) insert.run(id, seq, resource, T0 + ms, '{"changed":["title"]}');
      raw.exec("INSERT INTO event_counters VALUES ('acme', 3)");
      raw.exec(
        `INSERT INTO deliveries (sink, pos, resource, state, attempts, since, next_at)
         SELECT 'hook', pos, 'acme/User/u1', 'pending', 0, time, time FROM events WHERE id = 'e-1'`,
      );
      raw.close();

      const store = sqliteStore({ filename, migrate: true });
      try {
        await stillWorks(store);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describePostgres("postgres: an outbox from before migration 11", () => {
  const old = testSchema("scim_outbox_old");
  afterAll(() => old.drop());

  test("reads, numbers, claims and prunes as before", async () => {
    const pool = old.pool();
    const S = await postgresAt(pool, old.schema, 10);
    for (const [id, seq, resource, ms] of OLD)
      await pool.query(
        `INSERT INTO ${S}.events (id, tenant, seq, type, resource_type, resource_id, actor, time, data)
         VALUES ($1, 'acme', $2, 'user.updated', 'User', $3, 'before', $4, '{"changed":["title"]}')`,
        [id, seq, resource, new Date(T0 + ms)],
      );
    await pool.query(`INSERT INTO ${S}.event_counters VALUES ('acme', 3)`);
    await pool.query(
      `INSERT INTO ${S}.deliveries (sink, pos, resource, state, attempts, since, next_at)
       SELECT 'hook', pos, 'acme/User/u1', 'pending', 0, time, time FROM ${S}.events WHERE id = 'e-1'`,
    );

    const store = postgresStore({ pool, schema: old.schema });
    expect(await store.migrate()).toBeGreaterThanOrEqual(11);
    await stillWorks(store);
  });
});
