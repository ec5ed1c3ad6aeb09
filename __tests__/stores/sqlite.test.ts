import { sqliteStore, type SqliteStore } from "../../lib/stores/sqlite";
import { storeConformance } from "../../lib/testing";

// One private in-memory database per test: the suite builds a fresh store every time.
storeConformance({
  name: "sqlite",
  makeStore: () => sqliteStore({ filename: ":memory:", migrate: true }),
  closeStore: (store) => (store as SqliteStore).close(),
  describe,
  test,
});
