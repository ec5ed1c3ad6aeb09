import { storeConformance } from "../../lib/testing";
import { describePostgres, testSchema } from "./postgres-helpers";

const db = testSchema();

describePostgres("postgres store", () => {
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());
  // Stores share the file's schema and pool; every conformance test uses its own tenant.
  storeConformance({ name: "postgres", makeStore: () => db.store(), describe, test });
});
