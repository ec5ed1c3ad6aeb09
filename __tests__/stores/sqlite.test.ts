import { sqliteStore, type SqliteStore } from "../../lib/stores/sqlite";
import { storeConformance } from "../../lib/testing";
import { SQL_CAPABILITIES } from "./sql-capabilities";

// One private in-memory database per test: the suite builds a fresh store every time.
storeConformance({
  name: "sqlite",
  makeStore: () => sqliteStore({ filename: ":memory:", migrate: true }),
  closeStore: (store) => (store as SqliteStore).close(),
  capabilities: SQL_CAPABILITIES,
  describe,
  test,
});

test("an unmigrated database is reported when the router is built, before any request", async () => {
  const { scim } = await import("../../lib");
  const store = sqliteStore({ filename: ":memory:" });
  const errors: string[] = [];
  scim({
    store,
    tokens: [{ token: "long-enough-token-000", scopes: ["get:users"] }],
    logger: { error: ({ err }: { err?: Error }) => void errors.push(String(err?.message)) } as never,
  });
  // The router asked first; once this later check settles, its report has been made.
  await store.ready!().catch(() => undefined);
  expect(errors).toEqual([expect.stringMatching(/schema is at version 0.*migrate/)]);
  await store.migrate();
  await expect(store.ready!()).resolves.toBeUndefined();
  await store.close();
});

describe("sqlite store: turns of the event loop (issue 17)", () => {
  test("a lookup and its User.groups run without waiting for a turn of the event loop", async () => {
    const store = sqliteStore({ filename: ":memory:", migrate: true });
    try {
      const ctx = { tenant: "turns" };
      const user = await store.users.create(ctx, { userName: "quick" });
      let turned = false;
      setImmediate(() => {
        turned = true;
      });
      const eq = {
        op: "eq" as const,
        attrPath: { path: ["userName"], type: "string" as const, caseExact: false, multiValued: false },
        compValue: "QUICK",
      };
      const found = await store.users.query(ctx, { filter: eq, startIndex: 1, count: 10 });
      const groups = await store.groups.groupsOfMany!(ctx, [user.id]);
      // On a busy machine each turn cost about a millisecond of waiting, more than the lookup.
      expect(turned).toBe(false);
      expect(found.items.map((s) => s.id)).toEqual([user.id]);
      expect(groups.get(user.id) ?? []).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
