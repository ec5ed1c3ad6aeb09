/**
 * `hooks.transactional: false` (the default): a before-hook runs outside any store transaction.
 * A slow hook (one that calls the network) must not hold up other requests, and a hook that
 * reads through `ctx.store` must not wait for the very transaction that waits for it. The hook
 * still approves exactly what is written: a change in between runs it again on the new state.
 */
import { randomUUID } from "node:crypto";
import type { Store } from "../../lib";
import type { Hooks, PatchHook, ReplaceHook } from "../../lib/hooks/types";
import { memoryStore } from "../../lib";
import { sqliteStore, type SqliteStore } from "../../lib/stores/sqlite";
import { describePostgres, testSchema } from "../stores/postgres-helpers";
import { createGroup, createUser, host } from "./app";
import { GROUP_SCHEMA, PATCH_OP } from "../helpers/fixtures";

const db = testSchema("scim_hooks_outside");
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

/** A hook that waits until the test lets it go, and says when it has started. */
function gate() {
  let entered!: () => void;
  let release!: () => void;
  const started = new Promise<void>((resolve) => (entered = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    started,
    release,
    hook: async () => {
      entered();
      return released;
    },
  };
}

function suite(name: string, makeStore: () => Store, done: (store: Store) => Promise<void> | void = () => undefined) {
  describe(`hooks outside transactions (${name})`, () => {
    const stores: Store[] = [];
    afterAll(async () => {
      for (const s of stores) await done(s);
    });
    const make = (hooks: Hooks) => {
      const store = makeStore();
      stores.push(store);
      return host({ store, hooks, rateLimit: false, tenant: `t-${randomUUID()}` });
    };

    test("a slow user beforePatch hook holds up no other request", async () => {
      const slow = gate();
      const h = make({ users: { beforePatch: slow.hook } });
      const ada = await createUser(h, "ada@example.com");
      const bob = await createUser(h, "bob@example.com");
      const waiting = h.patch(`/Users/${ada}`, patch({ op: "replace", path: "title", value: "Slow" })).then((r) => r);
      await slow.started;
      // Served while the hook still runs (before the fix these waited for it: a deadlock).
      await h.get(`/Users/${ada}`).expect(200);
      const other = await h.put(`/Groups/${await createGroup(h, "Other")}`, {
        schemas: [GROUP_SCHEMA],
        displayName: "Other 2",
        members: [{ value: bob }],
      });
      expect(other.status).toBe(200);
      slow.release();
      const res = await waiting;
      expect(res.status).toBe(200);
      expect(res.body.title).toBe("Slow");
    }, 15_000);

    test("a slow group beforePatch / beforeReplace hook holds up no other request", async () => {
      const patching = gate();
      const replacing = gate();
      const h = make({ groups: { beforePatch: patching.hook, beforeReplace: replacing.hook } });
      const ada = await createUser(h, "ada@example.com");
      const eng = await createGroup(h, "Engineering");
      const ops = await createGroup(h, "Ops");
      const p = h
        .patch(`/Groups/${eng}`, patch({ op: "add", path: "members", value: [{ value: ada }] }))
        .then((r) => r);
      await patching.started;
      const r = h
        .put(`/Groups/${ops}`, { schemas: [GROUP_SCHEMA], displayName: "Ops", members: [{ value: ada }] })
        .then((res) => res);
      await replacing.started;
      await h.get(`/Groups/${eng}`).expect(200);
      await h
        .post("/Users", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "carl@example.com" })
        .expect(201);
      patching.release();
      replacing.release();
      expect((await p).status).toBe(204);
      expect((await r).status).toBe(200);
      const members = (await h.get(`/Groups/${eng}`).expect(200)).body.members.map((m: { value: string }) => m.value);
      expect(members).toEqual([ada]);
    }, 15_000);

    test("a hook that reads through ctx.store is not deadlocked by its own request", async () => {
      const seen: unknown[] = [];
      const beforePatch: PatchHook = async (ctx) => {
        seen.push((await ctx.store.users.get({ tenant: ctx.tenant }, ctx.id))?.record.userName);
      };
      const h = make({ users: { beforePatch } });
      const ada = await createUser(h, "ada@example.com");
      await h.patch(`/Users/${ada}`, patch({ op: "replace", path: "title", value: "Boss" })).expect(200);
      expect(seen).toEqual(["ada@example.com"]);
    }, 15_000);

    test("a write in between runs the hook again on the new state; what is written is what it approved", async () => {
      const calls: { title: unknown; nickName: unknown }[] = [];
      let sneak: (() => Promise<unknown>) | undefined;
      const beforeReplace: ReplaceHook = () => undefined;
      const beforePatch: PatchHook = async (ctx) => {
        calls.push({ title: ctx.resource.title, nickName: ctx.current.nickName });
        // Another writer changes the user after the hook approved, before the write.
        const once = sneak;
        sneak = undefined;
        await once?.();
      };
      const h = make({ users: { beforePatch, beforeReplace } });
      const ada = await createUser(h, "ada@example.com");
      sneak = () => h.patch(`/Users/${ada}`, patch({ op: "replace", path: "nickName", value: "Countess" })).expect(200);
      const res = await h.patch(`/Users/${ada}`, patch({ op: "replace", path: "title", value: "Analyst" })).expect(200);
      expect(res.body).toMatchObject({ title: "Analyst", nickName: "Countess" });
      // First round (approved, then overtaken), the sneaky PATCH's own round, the second round.
      expect(calls).toEqual([
        { title: "Analyst", nickName: undefined },
        { title: undefined, nickName: undefined },
        { title: "Analyst", nickName: "Countess" },
      ]);
    }, 15_000);
  });
}

suite("memory", () => memoryStore());
suite(
  "sqlite",
  () => sqliteStore({ filename: ":memory:", migrate: true }),
  (store) => (store as SqliteStore).close(),
);
describePostgres("hooks outside transactions on postgres", () => {
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());
  suite("postgres", () => db.store());
});
