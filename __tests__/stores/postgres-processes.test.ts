/**
 * Two real server processes, one database: each child runs an Express app with scim() on a
 * postgresStore over the same schema; 50 concurrent group PATCHes (Okta's shapes: array adds,
 * `members[value eq "x"]` removes, the idempotent rename re-sent around membership changes) are
 * spread over both. Correctness must come from the database: no member lost, none duplicated.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describePostgres, DATABASE_URL, testSchema } from "./postgres-helpers";

const root = path.join(__dirname, "..", "..");
const TOKEN = "two-process-token-0123456789";
const db = testSchema("scim_procs");

const SERVER = `
const express = require("express");
const { scim, ALL_SCOPES } = require(${JSON.stringify(path.join(root, "dist", "cjs"))});
const { postgresStore } = require(${JSON.stringify(path.join(root, "dist", "cjs", "stores", "postgres"))});
const store = postgresStore({ connectionString: process.env.DATABASE_URL, schema: process.env.SCIM_SCHEMA });
const app = express();
app.use("/scim/v2", scim({ store, tokens: [{ token: process.env.SCIM_TOKEN, scopes: [...ALL_SCOPES] }], rateLimit: false }));
const server = app.listen(0, "127.0.0.1", () => process.stdout.write(JSON.stringify({ port: server.address().port }) + "\\n"));
`;

function startServer(): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ["-e", SERVER], {
    cwd: root,
    env: { ...process.env, DATABASE_URL, SCIM_SCHEMA: db.schema, SCIM_TOKEN: TOKEN },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      const [line, ...more] = out.split("\n");
      if (more.length > 0 && line !== undefined)
        resolve({ child, base: `http://127.0.0.1:${JSON.parse(line).port}/scim/v2` });
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

// biome-ignore lint/suspicious/noExplicitAny: the JSON a child server answered, read freely by the tests
async function call(method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/scim+json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const patch = (...Operations: unknown[]) => ({
  schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  Operations,
});

describePostgres("two server processes on one PostgreSQL", () => {
  const servers: ChildProcess[] = [];
  beforeAll(async () => {
    if (!fs.existsSync(path.join(root, "dist", "cjs", "stores", "postgres", "index.js")))
      throw new Error("Run `npm run build` first: the servers load dist/ as users do.");
    await db.migrate();
  });
  afterAll(async () => {
    for (const s of servers) s.kill();
    await db.drop();
  });

  test("50 concurrent member adds and removes: no member lost, none duplicated", async () => {
    const [a, b] = await Promise.all([startServer(), startServer()]);
    servers.push(a.child, b.child);
    const bases = [a.base, b.base];
    const users: string[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await call("POST", `${bases[i % 2]}/Users`, {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        userName: `p${i}@example.com`,
      });
      expect(res.status).toBe(201);
      users.push(res.json.id);
    }
    const created = await call("POST", `${a.base}/Groups`, {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: "Engineering",
      members: users.slice(40).map((value) => ({ value })),
    });
    expect(created.status).toBe(201);
    const gid = created.json.id;
    // 40 adds of users 0..39 (some re-sent) and 20 removes of users 40..59, mixed in 50 requests.
    const requests = Array.from({ length: 50 }, (_, i) => {
      const ops: unknown[] = [{ op: "replace", value: { id: gid, displayName: "Engineering" } }];
      if (i < 40) ops.push({ op: "add", path: "members", value: [{ value: users[i], display: `p${i}` }] });
      if (i >= 30) ops.push({ op: "remove", path: `members[value eq "${users[40 + (i - 30)]}"]` });
      if (i % 7 === 0) ops.push({ op: "add", path: "members", value: [{ value: users[(i + 3) % 40] }] });
      return call("PATCH", `${bases[i % 2]}/Groups/${gid}`, patch(...ops));
    });
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 204)).toEqual([]);

    const got = await call("GET", `${b.base}/Groups/${gid}`);
    const members: string[] = got.json.members.map((m: { value: string }) => m.value);
    expect(new Set(members).size).toBe(members.length);
    expect([...members].sort()).toEqual(users.slice(0, 40).sort());
    const rows = await db
      .pool()
      .query(
        `SELECT count(*)::int AS n, count(DISTINCT member_id)::int AS d FROM "${db.schema}".memberships WHERE group_id = $1`,
        [gid],
      );
    expect(rows.rows[0]).toEqual({ n: 40, d: 40 });
  }, 60000);

  test("users deleted while other requests PATCH their groups: no 5xx, no member lost or duplicated", async () => {
    const [a, b] = await Promise.all([startServer(), startServer()]);
    servers.push(a.child, b.child);
    const bases = [a.base, b.base];
    // Seeded through the store: 40 users, 4 groups holding users 0..29, each user's memberships
    // written in a different group order (so no two deletes lock the groups in the same order by luck).
    const store = db.store();
    const ctx = { tenant: "default" };
    const users: string[] = [];
    for (let i = 0; i < 40; i++) users.push((await store.users.create(ctx, { userName: `d${i}@example.com` })).id);
    const groups: string[] = [];
    for (let g = 0; g < 4; g++) groups.push((await store.groups.create(ctx, { displayName: `Team ${g}` })).id);
    for (let i = 0; i < 30; i++) {
      for (let k = 0; k < 4; k++)
        await store.groups.addMembers(ctx, groups[(i + k) % 4]!, [{ value: users[i]!, type: "User" }]);
    }
    // Users 0..19 are deleted; meanwhile every group gains 30..39 and loses 20..24 (Okta's shapes).
    const deletes = users.slice(0, 20).map((id, i) => () => call("DELETE", `${bases[i % 2]}/Users/${id}`));
    const patches = groups.flatMap((gid, g) =>
      Array.from({ length: 10 }, (_, i) => () => {
        const ops: unknown[] = [{ op: "replace", value: { id: gid, displayName: `Team ${g}` } }];
        ops.push({
          op: "add",
          path: "members",
          value: [{ value: users[30 + i] }, { value: users[30 + ((i + 1) % 10)] }],
        });
        if (i < 5) ops.push({ op: "remove", path: `members[value eq "${users[20 + i]}"]` });
        return call("PATCH", `${bases[(i + g) % 2]}/Groups/${gid}`, patch(...ops));
      }),
    );
    const all = [...deletes, ...patches].map((send, i) => ({ send, key: (i * 37) % 60 })).sort((x, y) => x.key - y.key);
    const answers = await Promise.all(all.map((r) => r.send()));
    expect(answers.filter((r) => r.status >= 500).map((r) => `${r.status} ${JSON.stringify(r.json)}`)).toEqual([]);
    expect(answers.map((r) => r.status).filter((s) => s !== 204)).toEqual([]);

    const expected = users.slice(25, 40).sort();
    for (const gid of groups) {
      const got = await call("GET", `${a.base}/Groups/${gid}`);
      const members: string[] = got.json.members.map((m: { value: string }) => m.value);
      expect([...members].sort()).toEqual(expected);
    }
    const rows = await db
      .pool()
      .query(
        `SELECT count(*)::int AS n, count(DISTINCT (group_id, member_id))::int AS d FROM "${db.schema}".memberships WHERE group_id = ANY($1)`,
        [groups],
      );
    expect(rows.rows[0]).toEqual({ n: 60, d: 60 });
  }, 120000);
});
