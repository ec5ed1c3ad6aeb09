/** Fault injection over HTTP on the SQLite store, one in-memory database per case (suite: ./suites/faults.ts). */
import { sqliteStore, type SqliteStore } from "../../lib/stores/sqlite";
import { faultSuite } from "./suites/faults";

faultSuite({
  name: "sqlite store",
  makeStore: () => sqliteStore({ filename: ":memory:", migrate: true }),
  closeStore: (store) => (store as SqliteStore).close(),
  describe,
  test,
});
