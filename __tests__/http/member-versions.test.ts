/**
 * RFC 7644 3.14: any change to a group's members changes its version, and so its ETag, on every
 * store: also when a member leaves because it was deleted. Otherwise `If-None-Match` answers a
 * stale 304 and a client caching groups keeps a member that no longer exists.
 */
import { randomUUID } from "node:crypto";
import type { Store } from "../../lib";
import { memoryStore } from "../../lib";
import { sqliteStore, type SqliteStore } from "../../lib/stores/sqlite";
import { createGroup, createUser, host, type TestHost } from "./app";
import { describePostgres, testSchema } from "../stores/postgres-helpers";

const db = testSchema("scim_member_versions");

function suite(name: string, makeStore: () => Store, done: (store: Store) => Promise<void> | void = () => undefined) {
  describe(`group versions follow deletes (${name})`, () => {
    let h: TestHost;
    beforeEach(() => {
      // Each test its own tenant: the PostgreSQL suite shares one schema.
      h = host({ store: makeStore(), rateLimit: false, tenant: `t-${randomUUID()}` });
    });
    afterEach(() => done(h.store));

    test("deleting a member user changes the group's ETag; If-None-Match with the old one is not a 304", async () => {
      const ada = await createUser(h, "ada@example.com");
      const bob = await createUser(h, "bob@example.com");
      const gid = await createGroup(h, "Engineering", [ada, bob]);
      const before = await h.get(`/Groups/${gid}`).expect(200);
      await h.delete(`/Users/${ada}`).expect(204);
      const after = await h
        .get(`/Groups/${gid}`)
        .set("If-None-Match", before.headers.etag ?? "")
        .expect(200);
      expect(after.headers.etag).not.toBe(before.headers.etag);
      expect(after.body.members.map((m: { value: string }) => m.value)).toEqual([bob]);
    });

    test("deleting a member group changes its parent's ETag", async () => {
      const inner = await createGroup(h, "Inner");
      const res = await h
        .post("/Groups", {
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
          displayName: "Outer",
          members: [{ value: inner, type: "Group" }],
        })
        .expect(201);
      const outer = res.body.id as string;
      const before = await h.get(`/Groups/${outer}`).expect(200);
      await h.delete(`/Groups/${inner}`).expect(204);
      const after = await h
        .get(`/Groups/${outer}`)
        .set("If-None-Match", before.headers.etag ?? "")
        .expect(200);
      expect(after.headers.etag).not.toBe(before.headers.etag);
      expect(after.body.members ?? []).toEqual([]);
    });

    test("deleting a user who is in no group leaves groups' ETags alone", async () => {
      const ada = await createUser(h, "ada@example.com");
      const gid = await createGroup(h, "Engineering", [ada]);
      const loner = await createUser(h, "loner@example.com");
      const before = await h.get(`/Groups/${gid}`).expect(200);
      await h.delete(`/Users/${loner}`).expect(204);
      await h
        .get(`/Groups/${gid}`)
        .set("If-None-Match", before.headers.etag ?? "")
        .expect(304);
    });
  });
}

suite("memory", () => memoryStore());
suite(
  "sqlite",
  () => sqliteStore({ filename: ":memory:", migrate: true }),
  (store) => (store as SqliteStore).close(),
);

describePostgres("group versions follow deletes (postgres)", () => {
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());

  describe("sequential", () => {
    suite("postgres", () => db.store());
  });

  test("a user deleted while a transaction adds them to a group: the group's version still moves", async () => {
    const store = db.store();
    const h = host({ store, rateLimit: false, tenant: "race" });
    const ctx = { tenant: "race" };
    const uid = await createUser(h, "racer@example.com");
    const gid = await createGroup(h, "Racers");

    // A member add holds its transaction open (as a slow PATCH would) after writing the row.
    let entered!: () => void;
    let release!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    let seen = "";
    const adding = store.transaction!(async (s) => {
      await s.groups.addMembers(ctx, gid, [{ value: uid, type: "User" }]);
      seen = (await s.groups.get(ctx, gid))!.version;
      entered();
      await held;
    });
    await inside;

    // The delete starts while the add is uncommitted, and waits for it (the add locked the user).
    const deleting = h.delete(`/Users/${uid}`).then((res) => res);
    await waitForLockWait(db.schema);
    release();
    await adding;
    expect((await deleting).status).toBe(204);

    const res = await h.get(`/Groups/${gid}`).set("If-None-Match", `W/"${seen}"`);
    expect(res.status).toBe(200);
    expect(res.body.members ?? []).toEqual([]);
  });
});

/** Until some statement on this schema waits for a lock (a condition, not a duration). */
async function waitForLockWait(schema: string): Promise<void> {
  for (;;) {
    const { rows } = await db
      .pool()
      .query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND position($1 in query) > 0",
        [schema],
      );
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
