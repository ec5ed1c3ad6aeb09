/**
 * Concurrency over HTTP on the PostgreSQL store (suite: ./suites/concurrency.ts): real
 * concurrent transactions on a pool. Skipped, with a printed reason, without DATABASE_URL.
 *
 * Regression: before 715e00f, 50 concurrent PATCHes of one resource without If-Match left
 * 30-35 clients with a 412 they never asked for (the transaction did not lock the row it read,
 * and the service retries a 412 only 5 times). The "all acknowledged" cases caught it.
 */
import { describePostgres, testSchema } from "../stores/postgres-helpers";
import { concurrencySuite } from "./suites/concurrency";

const db = testSchema("scim_proof_concurrency");

describePostgres("proof on postgres", () => {
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());
  concurrencySuite({ name: "postgres store", makeStore: () => db.store(), describe, test });
});
