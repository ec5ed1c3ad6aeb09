import { memoryTokenRegistry } from "../../lib";
import { sqliteStore } from "../../lib/stores/sqlite";
import { tokenRegistryConformance } from "../../lib/testing";
import { describePostgres, testSchema } from "./postgres-helpers";

tokenRegistryConformance({
  name: "memory",
  makeRegistry: () => memoryTokenRegistry(),
  capabilities: { rotate: true },
  describe,
  test,
});
tokenRegistryConformance({
  name: "sqlite",
  makeRegistry: () => sqliteStore({ filename: ":memory:", migrate: true }).tokens,
  capabilities: { rotate: true },
  describe,
  test,
});

describePostgres("PostgreSQL token registry", () => {
  const db = testSchema("scim_tokens");
  beforeAll(() => db.migrate());
  afterAll(() => db.drop());
  tokenRegistryConformance({
    name: "postgres",
    makeRegistry: () => db.store().tokens,
    capabilities: { rotate: true },
    describe,
    test,
  });
});
