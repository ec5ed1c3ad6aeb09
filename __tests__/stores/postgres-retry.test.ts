/**
 * PostgreSQL's transient failures (deadlock 40P01, serialization 40001) are retried for every
 * transaction, the service's multi-step ones included; when the retries run out the request
 * answers 503 with Retry-After, never 500. The failures are injected at COMMIT through a pool
 * wrapper, so the test decides exactly how many there are (real deadlocks: postgres-processes).
 */
import { randomUUID } from "node:crypto";
import type { PgClientLike, PgPoolLike } from "../../lib/stores/postgres";
import { postgresStore } from "../../lib/stores/postgres";
import { createGroup, createUser, host } from "../http/app";
import { describePostgres, testSchema } from "./postgres-helpers";
import { GROUP_SCHEMA, PATCH_OP } from "../helpers/fixtures";

const db = testSchema("scim_retry");

/** A pool whose next `failures` COMMITs fail as deadlocks (the transaction is then rolled back). */
function flakyPool() {
  const control = { failures: 0, commits: 0, down: false, commitError: "40P01" };
  const real = db.pool();
  const refused = () => Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
  const pool: PgPoolLike = {
    query: (text, values) => (control.down ? refused() : (real.query(text, values) as ReturnType<PgPoolLike["query"]>)),
    end: async () => undefined,
    connect: async (): Promise<PgClientLike> => {
      if (control.down) return refused();
      const client = await real.connect();
      return {
        query: async (text, values) => {
          if (text === "COMMIT") {
            control.commits++;
            if (control.failures > 0) {
              control.failures--;
              await client.query("ROLLBACK");
              throw Object.assign(new Error("deadlock detected"), { code: control.commitError });
            }
          }
          return client.query(text, values) as ReturnType<PgClientLike["query"]>;
        },
        release: (error) => client.release(error as Error | undefined),
      };
    },
  };
  return { pool, control };
}

describePostgres("postgres: transient failures are retried, then 503", () => {
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());

  const setup = (retries?: number) => {
    const { pool, control } = flakyPool();
    const store = postgresStore({ pool, schema: db.schema, ...(retries === undefined ? {} : { retries }) });
    const logged: unknown[] = [];
    const logger = { error: (obj: object) => void logged.push(obj) };
    return { control, logged, h: host({ store, rateLimit: false, tenant: `t-${randomUUID()}`, logger }) };
  };

  test("a group PATCH (a multi-step transaction) whose commit deadlocks twice: 204, the member added once", async () => {
    const { control, h } = setup();
    const ada = await createUser(h, "ada@example.com");
    const gid = await createGroup(h, "Eng");
    control.failures = 2;
    const res = await h.patch(`/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "add", path: "members", value: [{ value: ada }] }],
    });
    expect(res.status).toBe(204);
    expect(control.failures).toBe(0);
    const group = await h.get(`/Groups/${gid}`).expect(200);
    expect(group.body.members.map((m: { value: string }) => m.value)).toEqual([ada]);
  });

  test("a group PUT whose commit deadlocks once: 200", async () => {
    const { control, h } = setup();
    const ada = await createUser(h, "ada@example.com");
    const gid = await createGroup(h, "Eng");
    control.failures = 1;
    const res = await h.put(`/Groups/${gid}`, {
      schemas: [GROUP_SCHEMA],
      displayName: "Eng",
      members: [{ value: ada }],
    });
    expect(res.status).toBe(200);
    expect(res.body.members.map((m: { value: string }) => m.value)).toEqual([ada]);
  });

  test("retries run out: 503 with Retry-After, nothing written, and the next attempt succeeds", async () => {
    const { control, h } = setup(2);
    const ada = await createUser(h, "ada@example.com");
    control.failures = 1000;
    control.commits = 0;
    const res = await h.delete(`/Users/${ada}`);
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toMatch(/^\d+$/);
    expect(res.body).toMatchObject({ status: "503" });
    // The first attempt and two retries, no more.
    expect(control.commits).toBe(3);
    control.failures = 0;
    await h.get(`/Users/${ada}`).expect(200);
    await h.delete(`/Users/${ada}`).expect(204);
  });

  test("the database unreachable: 503 with Retry-After for reads and writes", async () => {
    const { control, h } = setup();
    const ada = await createUser(h, "ada@example.com");
    control.down = true;
    const read = await h.get(`/Users/${ada}`);
    const write = await h.delete(`/Users/${ada}`);
    expect([read.status, write.status]).toEqual([503, 503]);
    expect(write.headers["retry-after"]).toMatch(/^\d+$/);
    control.down = false;
    await h.delete(`/Users/${ada}`).expect(204);
  });

  test("a COMMIT that loses its connection: a logged 500 (it may have landed), never a 503", async () => {
    const { control, logged, h } = setup();
    const ada = await createUser(h, "ada@example.com");
    control.failures = 1;
    control.commitError = "ECONNRESET";
    const res = await h.delete(`/Users/${ada}`);
    expect(res.status).toBe(500);
    expect(logged).toHaveLength(1);
  });

  test("lock order: two transactions, each holding its group, add each other's group; no deadlock even without retries", async () => {
    const store = postgresStore({ pool: db.pool(), schema: db.schema, retries: 0 });
    const ctx = { tenant: `t-${randomUUID()}` };
    const a = (await store.groups.create(ctx, { displayName: "A" })).id;
    const b = (await store.groups.create(ctx, { displayName: "B" })).id;
    let arrived = 0;
    let bothRead!: () => void;
    const barrier = new Promise<void>((resolve) => (bothRead = resolve));
    const meet = () => {
      if (++arrived === 2) bothRead();
      return barrier;
    };
    // As the service's group PATCH does: read (and lock) its group, then add a member.
    const adds = (own: string, other: string) =>
      store.transaction!(async (s) => {
        await s.groups.get(ctx, own);
        await meet();
        await s.groups.addMembers(ctx, own, [{ value: other, type: "Group" }]);
      });
    await Promise.all([adds(a, b), adds(b, a)]);
    expect((await store.groups.get(ctx, a, { members: true }))!.members!.map((m) => m.value)).toEqual([b]);
    expect((await store.groups.get(ctx, b, { members: true }))!.members!.map((m) => m.value)).toEqual([a]);
  });

  test("retries must be a non-negative integer", () => {
    expect(() => postgresStore({ pool: flakyPool().pool, retries: -1 })).toThrow(TypeError);
  });
});
