/**
 * Query plans of the PostgreSQL store over a directory seeded in bulk (issue 17): every read in
 * plan-shapes.ts is answered from an index, never a sequential scan or a walk of a whole
 * tenant's index entries (every index starts with the tenant), and answers right.
 */
import { postgresStore, type PgPoolLike, type PostgresStore } from "../../lib/stores/postgres";
import { describePostgres, testSchema } from "./postgres-helpers";
import { EPOCH, GROUPS, SHAPES, USERS } from "./plan-shapes";

const db = testSchema();
const tenant = "plans";

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Index Cond"?: string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

describePostgres("postgres store: plans at directory scale", () => {
  const seen: { text: string; values?: unknown[] }[] = [];
  let store: PostgresStore;

  beforeAll(async () => {
    await db.migrate();
    const pool = db.pool();
    const S = `"${db.schema}"`;
    await pool.query(
      `INSERT INTO ${S}.users (tenant, id, version, created, last_modified, record, user_name, user_name_fold, external_id, display)
       SELECT $1, 'u' || i, 1, to_timestamp($2 / 1000.0), to_timestamp(($2 + i * 1000) / 1000.0),
         jsonb_build_object('userName', 'user' || i, 'externalId', 'ext' || i,
           'emails', jsonb_build_array(jsonb_build_object('value', 'user' || i || '@example.com'))),
         'user' || i, 'user' || i, 'ext' || i, 'user' || i
       FROM generate_series(1, $3::int) i`,
      [tenant, EPOCH, USERS],
    );
    await pool.query(
      `INSERT INTO ${S}.groups (tenant, id, version, created, last_modified, record, display_name, display_name_fold, display)
       SELECT $1, 'g' || j, 1, now(), now(), jsonb_build_object('displayName', 'group' || j), 'group' || j, 'group' || j, 'group' || j
       FROM generate_series(1, $2::int) j`,
      [tenant, GROUPS],
    );
    await pool.query(
      `INSERT INTO ${S}.memberships (tenant, group_id, member_id, member_type)
       SELECT tenant, 'g' || ((substr(id, 2)::int % $1::int) + 1), id, 'User' FROM ${S}.users`,
      [GROUPS],
    );
    await pool.query(`ANALYZE ${S}.users, ${S}.groups, ${S}.memberships`);
    const spy: PgPoolLike = {
      connect: () => pool.connect() as never,
      end: async () => undefined,
      query: (text: string, values?: unknown[]) => {
        seen.push({ text, values });
        return pool.query(text, values) as never;
      },
    };
    // Reads straight on the pool, where the spy sees them.
    store = postgresStore({ pool: spy, schema: db.schema, statementTimeout: 0 });
  });
  afterAll(() => db.drop());

  test.each(SHAPES.map((s) => [s.name, s] as const))("%s reads an index and answers right", async (_, shape) => {
    seen.length = 0;
    const page = await store[shape.kind].query({ tenant }, shape.query);
    expect(page.items.map((s) => s.id).slice(0, shape.first.length)).toEqual(shape.first);
    // A full list's count is read from tenant_counts (SQLite migration 9, PostgreSQL 10), not counted.
    const selects = seen.filter(
      (s) => /^SELECT .* FROM "[^"]+"\.(users|groups) t /.test(s.text) && (shape.query.filter || /LIMIT/.test(s.text)),
    );
    expect(selects.length).toBeGreaterThan(0);
    for (const select of selects) {
      const [row] = (await db.pool().query(`EXPLAIN (FORMAT JSON) ${select.text}`, select.values)).rows as {
        "QUERY PLAN": [{ Plan: PlanNode }];
      }[];
      const steps = nodes(row!["QUERY PLAN"][0].Plan);
      const reads = steps.filter(
        (n) =>
          n["Node Type"] === "Seq Scan" ||
          (/^\(+t\.tenant = \$1\)+$/.test(n["Index Cond"] ?? "") &&
            !(!shape.query.filter && /_(order|last_modified|seq)$/.test(n["Index Name"] ?? ""))),
      );
      expect({ sql: select.text, reads }).toEqual({ sql: select.text, reads: [] });
      if (!shape.query.filter) expect(steps.map((n) => n["Node Type"])).not.toContain("Sort");
    }
  });
});
