/**
 * The store conformance suite: the definition of "a store". Runs under jest, vitest or
 * node:test (the host passes its `describe` and `test`); assertions use node:assert, so no
 * runner's `expect` is needed. Every test builds a fresh store and its own tenant.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { ScimError } from "../protocol/errors";
import type { ResolvedAttr, ResolvedFilter } from "../protocol/filter/ast";
import type { AppRecord, Position, Store, StoreContext } from "../stores/types";
import { gated, type Runner, type StoreCapabilities, undeclared } from "./capabilities";
import { capabilityCases } from "./capability-cases";

export interface ConformanceOptions extends Runner {
  /** Shown in test names. */
  name: string;
  /** A fresh store for every test (it may share a database; tests use their own tenants). */
  makeStore: () => Store | Promise<Store>;
  /** Called after each test's store is done with (close pools, files). */
  closeStore?: (store: Store) => Promise<void> | void;
  /** What the store offers beyond the minimum; undeclared groups are reported as skipped. */
  capabilities?: StoreCapabilities;
}

/** The unique keys the kit configures every store with, as the router would. */
export const UNIQUE_KEYS = {
  users: [{ path: ["userName"], caseExact: false }],
  groups: [{ path: ["displayName"], caseExact: false }],
};

const str = (path: string[], caseExact = false, multiValued = false): ResolvedAttr => ({
  path,
  type: "string",
  caseExact,
  multiValued,
});
export const eq = (path: string[], value: string, caseExact = false): ResolvedFilter => ({
  op: "eq",
  attrPath: str(path, caseExact),
  compValue: value,
});

async function rejectsWith(promise: Promise<unknown>, status: number, scimType?: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ScimError, `expected a ScimError, got ${String(error)}`);
    assert.equal(error.status, status);
    if (scimType) assert.equal(error.scimType, scimType);
    return true;
  });
}

type Case = (store: Store, ctx: StoreContext) => Promise<void>;

/** Registers the conformance suite every store must pass (and its declared capabilities' tests). */
export function storeConformance(options: ConformanceOptions): void {
  const { describe } = options;
  const capabilities = options.capabilities ?? {};
  const run = (name: string, body: Case, test = options.test) =>
    test(name, async () => {
      const store = await options.makeStore();
      store.configure?.(UNIQUE_KEYS);
      try {
        await body(store, { tenant: `t-${randomUUID()}` });
      } finally {
        await options.closeStore?.(store);
      }
    });
  const user = (userName: string, more: AppRecord = {}): AppRecord => ({ userName, ...more });

  describe(`store conformance: ${options.name}`, () => {
    describe("crud", () => {
      run("create assigns id, version and dates; get returns the record", async (store, ctx) => {
        const created = await store.users.create(ctx, user("ada", { name: { givenName: "Ada" } }));
        assert.ok(created.id && created.version);
        assert.ok(created.created instanceof Date && created.lastModified instanceof Date);
        const got = await store.users.get(ctx, created.id);
        assert.deepEqual(got?.record, { userName: "ada", name: { givenName: "Ada" } });
        assert.equal(got?.version, created.version);
        assert.equal(await store.users.get(ctx, randomUUID()), null);
      });
      run("replace bumps the version, keeps created, and 404s for an unknown id", async (store, ctx) => {
        const created = await store.users.create(ctx, user("grace"));
        const replaced = await store.users.replace(ctx, created.id, user("grace", { title: "RADM" }));
        assert.notEqual(replaced.version, created.version);
        assert.equal(replaced.created.getTime(), created.created.getTime());
        assert.deepEqual((await store.users.get(ctx, created.id))?.record, { userName: "grace", title: "RADM" });
        await rejectsWith(store.users.replace(ctx, randomUUID(), user("x")), 404);
      });
      run("delete removes; deleting again is 404", async (store, ctx) => {
        const created = await store.users.create(ctx, user("alan"));
        await store.users.delete(ctx, created.id);
        assert.equal(await store.users.get(ctx, created.id), null);
        await rejectsWith(store.users.delete(ctx, created.id), 404);
      });
      run("stored records are copies: changing a returned record changes nothing", async (store, ctx) => {
        const created = await store.users.create(ctx, user("copy", { name: { givenName: "A" } }));
        (created.record.name as AppRecord).givenName = "B";
        const got = await store.users.get(ctx, created.id);
        assert.deepEqual(got?.record.name, { givenName: "A" });
      });
    });

    describe("uniqueness", () => {
      run("a taken unique key is 409 uniqueness, case-insensitively, on create and replace", async (store, ctx) => {
        await store.users.create(ctx, user("Ada@Example.com"));
        await rejectsWith(store.users.create(ctx, user("ada@example.com")), 409, "uniqueness");
        const other = await store.users.create(ctx, user("other"));
        await rejectsWith(store.users.replace(ctx, other.id, user("ADA@example.com")), 409, "uniqueness");
        const g = await store.groups.create(ctx, { displayName: "Ops" });
        await rejectsWith(store.groups.create(ctx, { displayName: "ops" }), 409, "uniqueness");
        await store.groups.replace(ctx, g.id, { displayName: "OPS" });
      });
      run("a freed key can be taken again", async (store, ctx) => {
        const first = await store.users.create(ctx, user("reuse"));
        await store.users.delete(ctx, first.id);
        await store.users.create(ctx, user("reuse"));
      });
    });

    describe("query", () => {
      run("pages are 1-based, stable and complete; count 0 gives the total", async (store, ctx) => {
        const ids = [];
        for (let i = 0; i < 7; i++) ids.push((await store.users.create(ctx, user(`u${i}`))).id);
        const seen: string[] = [];
        for (let start = 1; start <= 7; start += 3) {
          const page = await store.users.query(ctx, { startIndex: start, count: 3 });
          assert.equal(page.total, 7);
          seen.push(...page.items.map((s) => s.id));
        }
        assert.deepEqual(seen, ids);
        const none = await store.users.query(ctx, { startIndex: 1, count: 0 });
        assert.equal(none.total, 7);
        assert.equal(none.items.length, 0);
      });
      run("eq on userName is case-insensitive; on externalId case-exact", async (store, ctx) => {
        await store.users.create(ctx, user("Mixed.Case", { externalId: "Ext-1" }));
        assert.equal(
          (await store.users.query(ctx, { filter: eq(["userName"], "mixed.case"), startIndex: 1, count: 10 })).total,
          1,
        );
        assert.equal(
          (await store.users.query(ctx, { filter: eq(["externalId"], "ext-1", true), startIndex: 1, count: 10 })).total,
          0,
        );
        assert.equal(
          (await store.users.query(ctx, { filter: eq(["externalId"], "Ext-1", true), startIndex: 1, count: 10 })).total,
          1,
        );
      });
      run("and, or, not, pr and a value path matching within one element", async (store, ctx) => {
        await store.users.create(
          ctx,
          user("a", {
            title: "x",
            emails: [
              { type: "work", value: "a@w.com" },
              { type: "home", value: "a@h.com" },
            ],
          }),
        );
        await store.users.create(ctx, user("b", { emails: [{ type: "home", value: "b@w.com" }] }));
        const q = async (filter: ResolvedFilter) =>
          (await store.users.query(ctx, { filter, startIndex: 1, count: 10 })).items
            .map((s) => s.record.userName)
            .sort();
        const emailType = str(["type"]);
        const emailValue = str(["value"]);
        const sameElement: ResolvedFilter = {
          op: "valuePath",
          attrPath: { path: ["emails"], type: "complex", caseExact: false, multiValued: true },
          filter: {
            op: "and",
            filters: [
              { op: "eq", attrPath: emailType, compValue: "work" },
              { op: "co", attrPath: emailValue, compValue: "@w.com" },
            ],
          },
        };
        assert.deepEqual(await q(sameElement), ["a"]);
        assert.deepEqual(await q({ op: "or", filters: [eq(["userName"], "a"), eq(["userName"], "b")] }), ["a", "b"]);
        assert.deepEqual(
          await q({ op: "and", filters: [eq(["userName"], "a"), { op: "pr", attrPath: str(["title"]) }] }),
          ["a"],
        );
        assert.deepEqual(await q({ op: "not", filter: { op: "pr", attrPath: str(["title"]) } }), ["b"]);
        assert.deepEqual(await q({ op: "eq", attrPath: str(["emails", "value"], false, true), compValue: "B@W.COM" }), [
          "b",
        ]);
      });
      run("sort ascending and descending by a string attribute", async (store, ctx) => {
        for (const n of ["carol", "Alice", "bob"]) await store.users.create(ctx, user(n));
        const sorted = async (descending: boolean) =>
          (
            await store.users.query(ctx, {
              sort: { path: ["userName"], multiValued: false, caseExact: false, type: "string", descending },
              startIndex: 1,
              count: 10,
            })
          ).items.map((s) => s.record.userName);
        assert.deepEqual(await sorted(false), ["Alice", "bob", "carol"]);
        assert.deepEqual(await sorted(true), ["carol", "bob", "Alice"]);
      });
      run(
        "keyset (costs.keyset): a walk gives index paging's order, even with deletes between pages",
        async (store, ctx) => {
          // A capability: a store without it is paged by offset (RFC 9865 cursors still work).
          if (!store.costs?.keyset) return;
          for (let i = 0; i < 9; i++)
            await store.users.create(ctx, user(`k${(i * 4) % 9}`, i % 3 ? { title: "t" } : {}));
          for (const sort of [
            undefined,
            { path: ["userName"], multiValued: false, caseExact: false, type: "string" as const, descending: true },
            { path: ["title"], multiValued: false, caseExact: false, type: "string" as const, descending: false },
          ]) {
            const all = (await store.users.query(ctx, { ...(sort ? { sort } : {}), startIndex: 1, count: 100 })).items;
            const walked: string[] = [];
            let after: Position | undefined;
            // Bounded: a store that ignores `after` would otherwise repeat its first page forever.
            for (let pages = 0; pages <= all.length; pages++) {
              const q = { ...(sort ? { sort } : {}), startIndex: 1, count: 2 };
              const page = await store.users.query(ctx, { ...q, keyset: after === undefined ? {} : { after } });
              assert.equal(page.positions?.length, page.items.length);
              walked.push(...page.items.map((s) => s.id));
              if (page.items.length < 2) break;
              after = page.positions![page.positions!.length - 1];
              // A row already listed goes: the walk continues from its place all the same.
              if (walked.length === 4) await store.users.delete(ctx, walked[3]!);
            }
            assert.deepEqual(
              walked,
              all.map((s) => s.id),
            );
          }
        },
      );
      run("id and meta.lastModified are filterable", async (store, ctx) => {
        const a = await store.users.create(ctx, user("a"));
        await store.users.create(ctx, user("b"));
        const byId = await store.users.query(ctx, { filter: eq(["id"], a.id, true), startIndex: 1, count: 10 });
        assert.deepEqual(
          byId.items.map((s) => s.id),
          [a.id],
        );
        const since: ResolvedFilter = {
          op: "ge",
          attrPath: { path: ["meta", "lastModified"], type: "dateTime", caseExact: false, multiValued: false },
          compValue: a.lastModified.toISOString(),
        };
        assert.equal((await store.users.query(ctx, { filter: since, startIndex: 1, count: 10 })).total, 2);
      });
    });

    describe("members", () => {
      run("add is idempotent, remove of a non-member is fine, replace sets the list", async (store, ctx) => {
        const [a, b, c] = [
          await store.users.create(ctx, user("a")),
          await store.users.create(ctx, user("b")),
          await store.users.create(ctx, user("c")),
        ];
        const g = await store.groups.create(ctx, { displayName: "G" });
        await store.groups.addMembers(ctx, g.id, [
          { value: a.id, type: "User" },
          { value: b.id, type: "User" },
        ]);
        await store.groups.addMembers(ctx, g.id, [{ value: a.id, type: "User" }]);
        await store.groups.removeMembers(ctx, g.id, [c.id]);
        const members = async () =>
          ((await store.groups.get(ctx, g.id, { members: true }))?.members ?? []).map((m) => m.value).sort();
        assert.deepEqual(await members(), [a.id, b.id].sort());
        await store.groups.replaceMembers(ctx, g.id, [{ value: c.id, type: "User" }]);
        assert.deepEqual(await members(), [c.id]);
      });
      run("unknown member ids are 400 invalidValue and nothing is written", async (store, ctx) => {
        const a = await store.users.create(ctx, user("a"));
        const g = await store.groups.create(ctx, { displayName: "G" });
        await rejectsWith(
          store.groups.addMembers(ctx, g.id, [
            { value: a.id, type: "User" },
            { value: randomUUID(), type: "User" },
          ]),
          400,
          "invalidValue",
        );
        assert.deepEqual((await store.groups.get(ctx, g.id, { members: true }))?.members ?? [], []);
        await rejectsWith(
          store.groups.create(ctx, { displayName: "H" }, { members: [{ value: randomUUID(), type: "User" }] }),
          400,
          "invalidValue",
        );
        assert.equal(
          (await store.groups.query(ctx, { filter: eq(["displayName"], "H"), startIndex: 1, count: 1 })).total,
          0,
        );
      });
      run("groupsOf lists a user's groups; deleting the user drops its memberships", async (store, ctx) => {
        const a = await store.users.create(ctx, user("a"));
        const g = await store.groups.create(ctx, { displayName: "G" }, { members: [{ value: a.id, type: "User" }] });
        assert.deepEqual(await store.groups.groupsOf(ctx, a.id), [{ id: g.id, display: "G" }]);
        await store.users.delete(ctx, a.id);
        assert.deepEqual((await store.groups.get(ctx, g.id, { members: true }))?.members ?? [], []);
        assert.deepEqual(await store.groups.groupsOf(ctx, a.id), []);
      });
      run(
        "get without members does not return them; with members it names each with its display",
        async (store, ctx) => {
          const a = await store.users.create(ctx, user("a", { displayName: "Ada" }));
          const g = await store.groups.create(ctx, { displayName: "G" }, { members: [{ value: a.id, type: "User" }] });
          assert.equal((await store.groups.get(ctx, g.id))?.members, undefined);
          assert.deepEqual((await store.groups.get(ctx, g.id, { members: true }))?.members, [
            { value: a.id, type: "User", display: "Ada" },
          ]);
        },
      );
      run("member changes bump the group's version", async (store, ctx) => {
        const a = await store.users.create(ctx, user("a"));
        const g = await store.groups.create(ctx, { displayName: "G" });
        await store.groups.addMembers(ctx, g.id, [{ value: a.id, type: "User" }]);
        assert.notEqual((await store.groups.get(ctx, g.id))?.version, g.version);
      });
      // Optional (a store without membersPage is read whole through get).
      run("membersPage reads get's member list in order, count at a time after the last value", async (store, ctx) => {
        const page = store.groups.membersPage?.bind(store.groups);
        if (!page) return;
        const users = [];
        for (const name of ["p1", "p2", "p3", "p4", "p5"]) users.push(await store.users.create(ctx, user(name)));
        const inner = await store.groups.create(ctx, { displayName: "Inner" });
        const members = [
          ...users.map((u) => ({ value: u.id, type: "User" as const })),
          { value: inner.id, type: "Group" as const },
        ];
        const g = await store.groups.create(ctx, { displayName: "G" }, { members });
        const whole = (await store.groups.get(ctx, g.id, { members: true }))?.members ?? [];
        assert.deepEqual(whole.map((m) => m.value).sort(), members.map((m) => m.value).sort());
        const read = [];
        let after: string | undefined;
        for (;;) {
          const chunk = await page(ctx, g.id, after === undefined ? { count: 4 } : { after, count: 4 });
          assert.ok(chunk.length <= 4);
          read.push(...chunk);
          if (chunk.length < 4) break;
          after = chunk[chunk.length - 1]?.value;
        }
        assert.deepEqual(read, whole);
        assert.deepEqual(await page(ctx, randomUUID(), { count: 4 }), []);
        assert.deepEqual(await page({ tenant: `t-${randomUUID()}` }, g.id, { count: 4 }), []);
      });
    });

    describe("versions", () => {
      run("a write under a stale version is 412 and changes nothing", async (store, ctx) => {
        const created = await store.users.create(ctx, user("v"));
        await store.users.replace(ctx, created.id, user("v", { title: "1" }), { ifVersion: created.version });
        await rejectsWith(
          store.users.replace(ctx, created.id, user("v", { title: "2" }), { ifVersion: created.version }),
          412,
        );
        await rejectsWith(store.users.delete(ctx, created.id, { ifVersion: created.version }), 412);
        assert.equal((await store.users.get(ctx, created.id))?.record.title, "1");
      });
    });

    describe("tenancy", () => {
      run("one tenant never sees, finds, changes or references another's data", async (store, ctx) => {
        const other: StoreContext = { tenant: `${ctx.tenant}-other` };
        const a = await store.users.create(ctx, user("shared-name"));
        await store.users.create(other, user("shared-name"));
        assert.equal(await store.users.get(other, a.id), null);
        assert.equal(
          (await store.users.query(other, { filter: eq(["id"], a.id, true), startIndex: 1, count: 10 })).total,
          0,
        );
        await rejectsWith(store.users.replace(other, a.id, user("x")), 404);
        await rejectsWith(store.users.delete(other, a.id), 404);
        const g = await store.groups.create(other, { displayName: "G" });
        await rejectsWith(store.groups.addMembers(other, g.id, [{ value: a.id, type: "User" }]), 400, "invalidValue");
        assert.equal((await store.users.query(ctx, { startIndex: 1, count: 10 })).total, 1);
      });
    });

    run("declares exactly the optional parts it has", async (store) => {
      assert.deepEqual(undeclared(store, capabilities), []);
    });
    for (const [group, cases] of Object.entries(capabilityCases)) {
      describe(group, () => {
        for (const [capability, name, body] of cases) run(name, body, gated(options, capabilities, capability));
      });
    }
  });
}
