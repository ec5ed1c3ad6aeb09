/** Concurrency over HTTP on the memory store (suite: ./suites/concurrency.ts). */
import { memoryStore } from "../../lib";
import { concurrencySuite } from "./suites/concurrency";

concurrencySuite({
  name: "memory store",
  makeStore: () => memoryStore(),
  describe,
  test,
  callOrderIsCommitOrder: true,
});
