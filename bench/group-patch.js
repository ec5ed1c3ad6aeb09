// Issue 4: PATCH add 1 member and remove 1 member on groups of 100, 10,000 and 200,000 members
// (memory store, over HTTP), the ratio 200,000/100, 1,000 adds in one PATCH, and a POST of a
// 10,000-member group.

const { call, startHost, timeIt } = require("./util");

const SIZES = (process.env.BENCH_GROUP_SIZES || "100,10000,200000").split(",").map(Number);
const RUNS = 60;

async function users(host, count, prefix) {
  const ctx = { tenant: "default" };
  const ids = [];
  for (let i = 0; i < count; i++) ids.push((await host.store.users.create(ctx, { userName: `${prefix}${i}` })).id);
  return ids;
}

const ops = (...Operations) => ({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations });

module.exports = async function groupPatch() {
  const host = await startHost();
  const maxSize = Math.max(...SIZES);
  const pool = await users(host, maxSize + RUNS + 1000, "u");
  const extra = pool.slice(maxSize);
  const rows = [];
  const medians = {};
  for (const size of SIZES) {
    const ctx = { tenant: "default" };
    const group = await host.store.groups.create(
      ctx,
      { displayName: `g${size}` },
      { members: pool.slice(0, size).map((value) => ({ value, type: "User" })) },
    );
    const url = `${host.scim}/Groups/${group.id}`;
    const s = await timeIt(RUNS, async (i) => {
      await call("PATCH", url, ops({ op: "add", path: "members", value: [{ value: extra[i] }] }));
      await call("PATCH", url, ops({ op: "remove", path: `members[value eq "${extra[i]}"]` }));
    });
    medians[size] = s.median;
    rows.push({
      name: `PATCH add 1 + remove 1 member, group of ${size.toLocaleString("en")}`,
      value: s.median,
      unit: "ms",
      spread: `p10 ${s.p10.toFixed(2)} .. p90 ${s.p90.toFixed(2)}`,
    });
  }
  const small = Math.min(...SIZES);
  rows.push({
    name: `ratio ${maxSize.toLocaleString("en")} / ${small.toLocaleString("en")}`,
    value: medians[maxSize] / medians[small],
    unit: "x",
    target: "< 2",
  });

  const bulk = await host.store.groups.create({ tenant: "default" }, { displayName: "bulk" });
  const thousand = pool.slice(0, 1000).map((value) => ({ value }));
  const adds = await timeIt(10, () =>
    call(
      "PATCH",
      `${host.scim}/Groups/${bulk.id}`,
      ops({ op: "replace", path: "members", value: [] }, { op: "add", path: "members", value: thousand }),
    ),
  );
  rows.push({
    name: "PATCH with 1,000 member adds in one body",
    value: adds.median,
    unit: "ms",
    spread: `p10 ${adds.p10.toFixed(2)} .. p90 ${adds.p90.toFixed(2)}`,
  });

  const tenThousand = pool.slice(0, 10_000).map((value) => ({ value }));
  const posts = await timeIt(5, (i) =>
    call("POST", `${host.scim}/Groups?excludedAttributes=members`, {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: `big${i}`,
      members: tenThousand,
    }),
  );
  rows.push({
    name: "POST a 10,000-member group",
    value: posts.median,
    unit: "ms",
    spread: `p10 ${posts.p10.toFixed(1)} .. p90 ${posts.p90.toFixed(1)}`,
  });
  host.server.close();
  return rows;
};
