import { sqliteStore } from "../../lib/stores/sqlite";
import { UNIQUE_KEYS } from "../../lib/testing";
import { differential, type Differential } from "./sql-cases";

let result: Differential;
beforeAll(async () => {
  const store = sqliteStore({ filename: ":memory:", migrate: true });
  store.configure?.(UNIQUE_KEYS);
  result = await differential(store, { tenant: "diff" });
  await store.close();
});

describe("sqlite store answers filters and sorts exactly as evaluate()/compareRecords()", () => {
  test("filters", () => {
    for (const [name, memory, sql] of result.filters) expect({ name, rows: sql }).toEqual({ name, rows: memory });
  });
  test("sorts", () => {
    for (const [name, memory, sql] of result.sorts) expect({ name, rows: sql }).toEqual({ name, rows: memory });
  });
});
