/** Concurrency over HTTP on the SQLite store (suite: ./suites/concurrency.ts). */
import { sqliteStore, type SqliteStore } from "../../lib/stores/sqlite";
import { concurrencySuite } from "./suites/concurrency";

concurrencySuite({
  name: "sqlite store",
  makeStore: () => sqliteStore({ filename: ":memory:", migrate: true }),
  closeStore: (store) => (store as SqliteStore).close(),
  describe,
  test,
});
