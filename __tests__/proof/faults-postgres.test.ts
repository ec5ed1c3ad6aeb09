/**
 * Fault injection over HTTP on the PostgreSQL store (suite: ./suites/faults.ts). One schema for
 * the file, one tenant per case; skipped, with a printed reason, without DATABASE_URL.
 */
import { describePostgres, testSchema } from "../stores/postgres-helpers";
import { faultSuite } from "./suites/faults";

const db = testSchema("scim_proof_faults");

describePostgres("proof on postgres", () => {
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());
  faultSuite({ name: "postgres store", makeStore: () => db.store(), describe, test });
});
