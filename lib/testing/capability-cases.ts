/**
 * The conformance tests for the optional parts of the store contract, one group per part, each
 * test naming the capability that switches it on (lib/testing/capabilities.ts).
 */
import assert from "node:assert/strict";
import type { AuditLog, AuditRecord } from "../audit/types";
import type { Store, StoreContext } from "../stores/types";
import type { Capability } from "./capabilities";
import { outboxCases } from "./outbox-cases";
import { REGISTRY_CASES, ROTATE_CASE } from "./token-registry";

type Case = (store: Store, ctx: StoreContext) => Promise<void>;

const kept = async (store: Store, ctx: StoreContext) =>
  (await store.users.query(ctx, { startIndex: 1, count: 10 })).items.map((s) => s.record);

const transactions: [Capability, string, Case][] = [
  [
    "transactions",
    "a transaction that throws leaves nothing behind",
    async (store, ctx) => {
      assert.ok(store.transaction, "store.transaction is missing");
      const before = await store.users.create(ctx, { userName: "kept" });
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.users.create(ctx, { userName: "rolled-back" });
          await tx.users.replace(ctx, before.id, { userName: "kept", title: "changed" });
          await tx.users.delete(ctx, before.id);
          throw new Error("abort");
        }),
        /abort/,
      );
      assert.deepEqual(await kept(store, ctx), [{ userName: "kept" }]);
    },
  ],
  [
    "transactions",
    "a transaction that resolves keeps every write and returns fn's value",
    async (store, ctx) => {
      assert.ok(store.transaction, "store.transaction is missing");
      const value = await store.transaction(async (tx) => {
        const a = await tx.users.create(ctx, { userName: "a" });
        await tx.users.replace(ctx, a.id, { userName: "a", title: "t" });
        await tx.groups.create(ctx, { displayName: "G" }, { members: [{ value: a.id, type: "User" }] });
        return a.id;
      });
      assert.deepEqual(await kept(store, ctx), [{ userName: "a", title: "t" }]);
      assert.deepEqual(
        (await store.groups.groupsOf(ctx, value)).map((g) => g.display),
        ["G"],
      );
    },
  ],
];

const nesting: [Capability, string, Case][] = [
  [
    "nestedGroups",
    "a group can be a member of another group, and leaves it when deleted",
    async (store, ctx) => {
      const inner = await store.groups.create(ctx, { displayName: "Inner" });
      const outer = await store.groups.create(ctx, { displayName: "Outer" });
      await store.groups.addMembers(ctx, outer.id, [{ value: inner.id, type: "Group" }]);
      assert.deepEqual((await store.groups.get(ctx, outer.id, { members: true }))?.members, [
        { value: inner.id, type: "Group", display: "Inner" },
      ]);
      assert.deepEqual(await store.groups.groupsOf(ctx, inner.id), [{ id: outer.id, display: "Outer" }]);
      await store.groups.delete(ctx, inner.id);
      assert.deepEqual((await store.groups.get(ctx, outer.id, { members: true }))?.members ?? [], []);
    },
  ],
];

const startup: [Capability, string, Case][] = [
  [
    "ready",
    "ready() resolves for a store that makeStore() handed over",
    async (store) => {
      assert.ok(store.ready, "store.ready is missing");
      await store.ready();
    },
  ],
  [
    "costs",
    "costs name indexed paths, and size counts a tenant's records",
    async (store, ctx) => {
      assert.ok(store.costs, "store.costs is missing");
      for (const kind of ["users", "groups"] as const) {
        for (const entry of store.costs.indexed(kind)) {
          assert.ok(Array.isArray(entry.path) && entry.path.every((p) => typeof p === "string" && p !== ""));
        }
      }
      if (!store.costs.size) return;
      await store.users.create(ctx, { userName: "a" });
      await store.users.create(ctx, { userName: "b" });
      assert.equal(await store.costs.size(ctx, "users"), 2);
      assert.equal(await store.costs.size(ctx, "groups"), 0);
    },
  ],
];

const onRegistry =
  (body: (typeof REGISTRY_CASES)[number][1]): Case =>
  async (store, ctx) => {
    assert.ok(store.tokens, "store.tokens is missing");
    await body(store.tokens, ctx.tenant);
  };

const tokens: [Capability, string, Case][] = [
  ...REGISTRY_CASES.map(([name, body]): [Capability, string, Case] => ["tokens", name, onRegistry(body)]),
  ["rotate", ROTATE_CASE[0], onRegistry(ROTATE_CASE[1])],
];

const entry = (tenant: string, second: number): AuditRecord => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, second)),
  tenant,
  actor: "okta",
  method: "PATCH",
  resource: "Users",
  id: `user-${second}`,
  status: 200,
  outcome: "success",
  changed: ["active"],
  durationMs: 1.5,
});

const audit: [Capability, string, Case][] = [
  [
    "audit",
    "audit records come back whole, newest first, per tenant, paged",
    async (store, ctx) => {
      const log = (store as { audit?: AuditLog }).audit;
      assert.ok(log, "store.audit is missing");
      for (let n = 1; n <= 4; n++) await log.append(entry(ctx.tenant, n));
      await log.append(entry(`${ctx.tenant}-other`, 5));
      const page = await log.list({ tenant: ctx.tenant, startIndex: 2, count: 2 });
      assert.equal(page.total, 4);
      assert.deepEqual(page.items, [entry(ctx.tenant, 3), entry(ctx.tenant, 2)]);
    },
  ],
];

export const capabilityCases: Record<string, [Capability, string, Case][]> = {
  transactions,
  "nested groups": nesting,
  startup,
  tokens,
  audit,
  outbox: outboxCases,
};
