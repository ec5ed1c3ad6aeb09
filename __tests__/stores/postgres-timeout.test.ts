/**
 * The PostgreSQL backstop (issue 13): a statement that runs past `statementTimeout` is cancelled
 * by the database, the request answers 503 with Retry-After (never a 500), and the connection
 * goes back to the pool. The slow statement is forced by a pool wrapper that swaps the next
 * matching statement for `pg_sleep`, so the test waits on the database's timeout, not on a clock of its own.
 */
import { Pool } from "pg";
import type { PgClientLike, PgPoolLike } from "../../lib/stores/postgres";
import { postgresStore } from "../../lib/stores/postgres";
import { createUser, host } from "../http/app";
import { describePostgres, DATABASE_URL, testSchema } from "./postgres-helpers";
import { expectScimError, oktaUser } from "../helpers/fixtures";

const db = testSchema("scim_timeout");

/** A one-connection pool whose next matching statement sleeps far longer than the timeout. */
function slowPool(pool: Pool) {
  let slow: RegExp | undefined;
  const wrap = (client: PgClientLike): PgClientLike => ({
    query: (text, values) => {
      if (slow?.test(text)) {
        slow = undefined;
        return client.query("SELECT pg_sleep(3)");
      }
      return client.query(text, values);
    },
    release: (error) => client.release(error),
  });
  const like: PgPoolLike = {
    connect: async () => wrap((await pool.connect()) as unknown as PgClientLike),
    query: (text, values) => pool.query(text, values) as unknown as ReturnType<PgPoolLike["query"]>,
    end: () => pool.end(),
  };
  return { like, slowNext: (statement: RegExp) => (slow = statement) };
}

describePostgres("postgresStore: statement timeout", () => {
  let pool: Pool;
  beforeAll(async () => {
    await db.migrate();
    pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  test("a list whose statement is cancelled answers 503 with Retry-After, and the connection is released", async () => {
    const { like, slowNext } = slowPool(pool);
    const h = host({ store: postgresStore({ pool: like, schema: db.schema, statementTimeout: 50 }) });
    // Seeded without the limit: a connection's first write also compiles the functions the
    // users indexes call (scim_instant, scim_emails), which a loaded machine may take 50 ms for.
    await createUser(
      host({ store: postgresStore({ pool: like, schema: db.schema, statementTimeout: 0 }) }),
      "ada@example.com",
    );
    // A short first page answers without COUNT: the page itself is the statement to slow.
    slowNext(/^SELECT t\.id, t\.version/);
    const res = await h.get(`/Users?filter=${encodeURIComponent('name.familyName co "love"')}`);
    expectScimError(res, 503);
    expect(res.headers["retry-after"]).toMatch(/^[1-9]\d*$/);
    // The pool has one connection: the next request only runs if the first was given back.
    expect(pool.idleCount).toBe(pool.totalCount);
    const after = await h.get(`/Users?filter=${encodeURIComponent('userName eq "ada@example.com"')}`).expect(200);
    expect(after.body.totalResults).toBe(1);
  });

  test("a write whose statement is cancelled answers 503 and writes nothing", async () => {
    const { like, slowNext } = slowPool(pool);
    const h = host({ store: postgresStore({ pool: like, schema: db.schema, statementTimeout: 50 }) });
    slowNext(/^INSERT INTO/);
    const res = await h.post("/Users", oktaUser("grace@example.com"));
    expectScimError(res, 503);
    expect(res.headers["retry-after"]).toMatch(/^[1-9]\d*$/);
    const found = await h.get(`/Users?filter=${encodeURIComponent('userName eq "grace@example.com"')}`).expect(200);
    expect(found.body.totalResults).toBe(0);
  });

  test("statementTimeout is checked when the store is made", () => {
    for (const bad of [-1, 1.5, Number.NaN, "5s"]) {
      expect(() => postgresStore({ pool, schema: db.schema, statementTimeout: bad as number })).toThrow(
        /statementTimeout/,
      );
    }
  });
});
