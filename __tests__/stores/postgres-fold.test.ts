/**
 * PostgreSQL folds with scim_fold (migration 5), a table computed from lib/values/fold.ts, and
 * keeps the unique keys folded in JavaScript: both must equal fold() exactly, and an existing
 * database must come out of the migration with every row folded.
 */
import { postgresStore } from "../../lib/stores/postgres";
import { fold } from "../../lib/values/fold";
import { describePostgres, testSchema } from "./postgres-helpers";
import { postgresAt } from "./schema-at";

describePostgres("postgres: one case folding (migration 5)", () => {
  const db = testSchema("scim_fold");
  afterAll(() => db.drop());

  test("an existing database is refolded by the migration, and its names found as the memory store finds them", async () => {
    const pool = db.pool();
    // Version 4 as it was deployed, with rows written by the old code (lower() in the index).
    const S = await postgresAt(pool, db.schema, 4);
    for (const [i, name] of ["İstanbul", "ΟΔΟΣ", "Ａda"].entries()) {
      await pool.query(
        `INSERT INTO ${S}.users (tenant, id, version, created, last_modified, record, user_name) VALUES ('t', $1, 1, now(), now(), $2, $3)`,
        [`id-${i}`, JSON.stringify({ userName: name }), name],
      );
    }
    const store = postgresStore({ pool, schema: db.schema });
    expect(await store.migrate()).toBeGreaterThanOrEqual(5);
    const { rows } = await pool.query(`SELECT user_name, user_name_fold FROM ${S}.users ORDER BY id`);
    expect(rows.map((r) => r.user_name_fold)).toEqual(rows.map((r) => fold(r.user_name)));
    const eq = (value: string) => ({
      op: "eq" as const,
      attrPath: { path: ["userName"], type: "string" as const, caseExact: false, multiValued: false },
      compValue: value,
    });
    const found = await store.users.query(
      { tenant: "t" },
      { filter: { op: "or", filters: [eq("i\u0307STANBUL"), eq("οδος"), eq("ａDA")] }, startIndex: 1, count: 10 },
    );
    expect(found.items.map((s) => s.record.userName)).toEqual(["İstanbul", "ΟΔΟΣ", "Ａda"]);
    // The old code folded İ to "i": that userName is free now, as it is on the memory store.
    await expect(store.users.create({ tenant: "t" }, { userName: "istanbul" })).resolves.toMatchObject({
      record: { userName: "istanbul" },
    });
    await expect(store.users.create({ tenant: "t" }, { userName: "οδοσ" })).rejects.toMatchObject({ status: 409 });
  });

  /** Every character of planes 0 and 1 in chunks, plus strings that exercise ASCII and sigma. */
  function samples(): string[] {
    const chunks: string[] = [];
    let chunk = "";
    for (let cp = 1; cp <= 0x1ffff; cp++) {
      if (cp === 0xd800) cp = 0xe000;
      chunk += String.fromCodePoint(cp);
      if (chunk.length >= 4096) {
        chunks.push(chunk);
        chunk = "";
      }
    }
    chunks.push(chunk, "ABC xyz @.-_ 0123 ~!", "ΣΑΣ ΣΣ Σ.", "İİ");
    return chunks;
  }

  async function differences(
    pool: { query: (text: string, values: unknown[]) => Promise<{ rows: { f: string }[] }> },
    schema: string,
  ): Promise<string[][]> {
    const chunks = samples();
    const { rows } = await pool.query(
      `SELECT "${schema}".scim_fold(x) AS f FROM unnest($1::text[]) WITH ORDINALITY AS u(x, n) ORDER BY n`,
      [chunks],
    );
    return chunks
      .filter((c, i) => rows[i]?.f !== fold(c))
      .map((c) => [...c].filter((ch) => fold(ch) !== ch).slice(0, 5));
  }

  // The database's lower() is corrected character by character, computed when the migration runs:
  // under a "C" ctype it folds ASCII only, and the correction is then most of the table.
  test("on a database whose ctype is C, scim_fold still equals fold()", async () => {
    const { Pool } = await import("pg");
    const admin = db.pool();
    const name = `scim_fold_c_${Math.random().toString(16).slice(2, 10)}`;
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    const pool = new Pool({ connectionString: url.toString(), max: 2 });
    try {
      await postgresStore({ pool, schema: "scim" }).migrate();
      expect(await differences(pool, "scim")).toEqual([]);
    } finally {
      await pool.end();
      await admin.query(`DROP DATABASE ${name}`);
    }
  }, 60_000);

  test("scim_fold equals fold() on every character of planes 0 and 1, and on ASCII", async () => {
    await postgresStore({ pool: db.pool(), schema: db.schema }).migrate();
    expect(await differences(db.pool(), db.schema)).toEqual([]);
  }, 60_000);
});
