// Issue 7: PATCH add 1 member to a 200,000-member group, and POST of a 10,000-member group, on
// the memory, PostgreSQL and SQLite stores over HTTP, with each SQL store's ratio to memory.

const { call, startHost } = require("./util");
const { TENANT, memoryWithUsers, postgresWithUsers, sqliteWithUsers, timeEach } = require("./sql-util");

const SIZE = Number(process.env.BENCH_SQL_GROUP || 200_000);
const RUNS = 50;
const ops = (...Operations) => ({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations });

/** A group holding the first SIZE users, filled the fastest way each store allows. */
async function bigGroup(label, loaded) {
  const ctx = { tenant: TENANT };
  if (label === "memory") {
    return loaded.store.groups.create(
      ctx,
      { displayName: "big" },
      { members: loaded.ids.slice(0, SIZE).map((value) => ({ value, type: "User" })) },
    );
  }
  const group = await loaded.store.groups.create(ctx, { displayName: "big" });
  if (label === "postgres") {
    await loaded.pool.query(
      `INSERT INTO "${loaded.schema}".memberships (tenant, group_id, member_id, member_type)
       SELECT tenant, $2, id, 'User' FROM "${loaded.schema}".users WHERE tenant = $1 ORDER BY seq LIMIT $3`,
      [TENANT, group.id, SIZE],
    );
  } else {
    loaded.db
      .prepare(
        "INSERT INTO memberships (tenant, group_id, member_id, member_type) SELECT tenant, ?, id, 'User' FROM users WHERE tenant = ? ORDER BY seq LIMIT ?",
      )
      .run(group.id, TENANT, SIZE);
  }
  return group;
}

async function measure(label, setup) {
  const loaded = await setup(SIZE + RUNS + 10_000);
  const host = await startHost(loaded.store);
  const group = await bigGroup(label, loaded);
  const extra = loaded.ids.slice(SIZE);
  const url = `${host.scim}/Groups/${group.id}`;
  const add = await timeEach(RUNS, (i) =>
    call("PATCH", url, ops({ op: "add", path: "members", value: [{ value: extra[i] }] })),
  );
  const tenThousand = loaded.ids.slice(0, 10_000).map((value) => ({ value }));
  const post = await timeEach(5, (i) =>
    call("POST", `${host.scim}/Groups?excludedAttributes=members`, {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: `post${i}`,
      members: tenThousand,
    }),
  );
  host.server.close();
  await loaded.close();
  return { add, post };
}

module.exports = async function sqlGroups() {
  const size = SIZE.toLocaleString("en");
  const memory = await measure("memory", memoryWithUsers);
  const rows = [
    {
      name: `memory: PATCH add 1 member, group of ${size}`,
      value: memory.add.median,
      unit: "ms",
      spread: `p99 ${memory.add.p99.toFixed(2)}`,
    },
    { name: "memory: POST a 10,000-member group", value: memory.post.median, unit: "ms" },
  ];
  for (const [label, setup] of [
    ["postgres", postgresWithUsers],
    ["sqlite", sqliteWithUsers],
  ]) {
    const r = await measure(label, setup);
    rows.push({
      name: `${label}: PATCH add 1 member, group of ${size}`,
      value: r.add.median,
      unit: "ms",
      spread: `p99 ${r.add.p99.toFixed(2)}`,
      ratio: r.add.median / memory.add.median,
    });
    rows.push({
      name: `${label}: POST a 10,000-member group`,
      value: r.post.median,
      unit: "ms",
      ratio: r.post.median / memory.post.median,
    });
  }
  return rows;
};
