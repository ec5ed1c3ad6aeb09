import { storeConformance } from "../../lib/testing";
import { describePostgres, testSchema } from "./postgres-helpers";
import { SQL_CAPABILITIES } from "./sql-capabilities";

const db = testSchema();

describePostgres("postgres store", () => {
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());
  // Stores share the file's schema and pool; every conformance test uses its own tenant.
  storeConformance({ name: "postgres", makeStore: () => db.store(), capabilities: SQL_CAPABILITIES, describe, test });
});
