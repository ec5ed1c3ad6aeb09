/**
 * examples/postgres, started as its README says, against the database in DATABASE_URL (each run
 * in its own PostgreSQL schema, dropped afterwards). Skipped without one.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { Pool } from "pg";
import { provisionUserAndGroup, root, scimRequest, startExample, type RunningExample } from "./start-example";

// Without DATABASE_URL, skipped; `npm test` lists the skipped suites once, at the end.
const DATABASE_URL = process.env.DATABASE_URL;
const describePg = DATABASE_URL ? describe : describe.skip;

describePg("examples/postgres", () => {
  const schema = `scim_example_${randomBytes(5).toString("hex")}`;
  const token = "postgres-example-token-0123456789";
  const running: RunningExample[] = [];
  const start = async () => {
    const example = await startExample("postgres", {
      DATABASE_URL: DATABASE_URL!,
      SCIM_PG_SCHEMA: schema,
      SCIM_TOKEN: token,
    });
    running.push(example);
    return example;
  };
  afterAll(async () => {
    await Promise.all(running.map((e) => e.stop()));
    const pool = new Pool({ connectionString: DATABASE_URL });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  test("migrates on start and provisions a user and a group with SCIM_TOKEN", async () => {
    const example = await start();
    expect(example.output()).toMatch(/Store: PostgreSQL \(.*\), schema version \d+/);
    await provisionUserAndGroup(`${example.base}/scim/v2`, token, "ada@example.com", "Engineering");
    const health = await fetch(`${example.base}/healthz`);
    expect(health.status).toBe(200);
  });

  test("a token issued into the database with the CLI works, and a second instance sees the same data", async () => {
    const cli = path.join(root, "dist", "cjs", "cli", "index.js");
    const printed = execFileSync(
      process.execPath,
      [
        cli,
        "token",
        "create",
        "--preset",
        "entra",
        "--label",
        "entra",
        "--schema",
        schema,
        "--database-url",
        DATABASE_URL!,
      ],
      {
        encoding: "utf8",
      },
    );
    const issued = /Token \(shown once[^)]*\): (\S+)/.exec(printed)?.[1];
    expect(issued).toMatch(/^scim_/);
    const first = await start();
    await provisionUserAndGroup(`${first.base}/scim/v2`, issued!, "grace@example.com", "Navy");
    const second = await start();
    const found = await scimRequest(
      `${second.base}/scim/v2/Users?filter=${encodeURIComponent('userName eq "GRACE@example.com"')}`,
      issued!,
    );
    expect(found.status).toBe(200);
    expect(found.body.totalResults).toBe(1);
    const groups = await scimRequest(
      `${second.base}/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "navy"')}`,
      issued!,
    );
    expect(groups.body.totalResults).toBe(1);
    // The entra preset has no put:users: 403 naming it.
    const [user] = found.body.Resources as { id: string }[];
    if (!user) throw new Error("the user just created is not found");
    const id = user.id;
    const put = await scimRequest(`${second.base}/scim/v2/Users/${id}`, issued!, "PUT", {
      userName: "grace@example.com",
    });
    expect(put.status).toBe(403);
    expect(put.body.detail).toContain("put:users");
  });
});

describe("examples/postgres without a database", () => {
  test("refuses to start and says what to set", async () => {
    await expect(startExample("postgres", { DATABASE_URL: "" })).rejects.toThrow(/Set DATABASE_URL/);
  });
});
