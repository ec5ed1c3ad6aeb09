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
