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

describe("sqlite migration 4: one case folding", () => {
  test("names folded by the old toLowerCase() are refolded, so a final sigma matches as it does on every store", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { sqliteAt } = await import("./schema-at");
    const dir = mkdtempSync(join(tmpdir(), "scim-fold-"));
    const filename = join(dir, "scim.db");
    try {
      // Version 3 as deployed, with a row its code wrote: "ΟΔΟΣ" folded by toLowerCase() to "οδος".
      const db = sqliteAt(filename, 3);
      db.prepare(
        "INSERT INTO users (tenant, id, version, created, last_modified, record, user_name, user_name_fold) VALUES ('t', 'u1', 1, 0, 0, ?, 'ΟΔΟΣ', 'οδος')",
      ).run(JSON.stringify({ userName: "ΟΔΟΣ" }));
      db.close();

      const store = sqliteStore({ filename, migrate: true });
      try {
        const eq = {
          op: "eq" as const,
          attrPath: { path: ["userName"], type: "string" as const, caseExact: false, multiValued: false },
          compValue: "οδοσ",
        };
        expect(
          (await store.users.query({ tenant: "t" }, { filter: eq, startIndex: 1, count: 10 })).items.map((s) => s.id),
        ).toEqual(["u1"]);
        await expect(store.users.create({ tenant: "t" }, { userName: "Οδοσ" })).rejects.toMatchObject({ status: 409 });
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
