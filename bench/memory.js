// Issue 9: heap bytes per stored user and per group membership on the memory store. Needs
// `global.gc` for honest numbers; without it (plain `node scripts/bench.js`) the measurement
// runs in a child `node --expose-gc` and its rows come back as JSON on stdout.

const { execFileSync } = require("node:child_process");
const { memoryStore } = require("../dist/cjs");

const USERS = Number(process.env.BENCH_MEMORY_USERS || 20_000);
const MEMBERSHIPS = Number(process.env.BENCH_MEMORY_MEMBERSHIPS || 200_000);
const REPEATS = 3;
const UNIQUE = {
  users: [{ path: ["userName"], caseExact: false }],
  groups: [{ path: ["displayName"], caseExact: false }],
};

/** What Okta's create-user body becomes once stored (schemas, groups and password dropped). */
const record = (i) => ({
  userName: `user${i}@example.com`,
  name: { givenName: `Given${i}`, familyName: `Family${i}` },
  emails: [{ primary: true, value: `user${i}@example.com`, type: "work" }],
  displayName: `Given${i} Family${i}`,
  locale: "en-US",
  externalId: `00u${i.toString(36).padStart(8, "0")}`,
  active: true,
});

function heap() {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}

/** Bytes per user: a store holding USERS users, against the same store empty. */
async function perUser() {
  const store = memoryStore();
  store.configure(UNIQUE);
  const ctx = { tenant: "default" };
  await store.users.create(ctx, record(-1)); // the tenant's tables and indexes exist before the baseline
  const before = heap();
  for (let i = 0; i < USERS; i++) await store.users.create(ctx, record(i));
  const after = heap();
  if ((await store.users.query(ctx, { startIndex: 1, count: 0 })).total !== USERS + 1) throw new Error("users missing");
  return (after - before) / USERS;
}

/** Bytes per membership: MEMBERSHIPS (user, group) pairs across 10 groups, users already stored. */
async function perMembership() {
  const store = memoryStore();
  store.configure(UNIQUE);
  const ctx = { tenant: "default" };
  const perGroup = Math.ceil(MEMBERSHIPS / 10);
  const ids = [];
  for (let i = 0; i < perGroup; i++) ids.push((await store.users.create(ctx, { userName: `m${i}` })).id);
  const groups = [];
  for (let g = 0; g < 10; g++) groups.push((await store.groups.create(ctx, { displayName: `g${g}` })).id);
  const before = heap();
  for (const g of groups) {
    for (let i = 0; i < ids.length; i += 1000) {
      await store.groups.addMembers(
        ctx,
        g,
        ids.slice(i, i + 1000).map((value) => ({ value, type: "User" })),
      );
    }
  }
  const after = heap();
  const full = await store.groups.get(ctx, groups[0], { members: true });
  if (full.members.length !== perGroup) throw new Error("members missing");
  return (after - before) / (perGroup * groups.length);
}

async function measure() {
  const users = [];
  const members = [];
  for (let r = 0; r < REPEATS; r++) {
    users.push(await perUser());
    members.push(await perMembership());
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const spread = (xs) =>
    `min ${Math.min(...xs).toFixed(0)} .. max ${Math.max(...xs).toFixed(0)} over ${xs.length} runs`;
  return [
    {
      name: `memory store: heap per user (Okta-shaped record, ${USERS.toLocaleString("en")} users)`,
      value: median(users),
      unit: "bytes",
      spread: spread(users),
    },
    {
      name: `memory store: heap per membership (${(Math.ceil(MEMBERSHIPS / 10) * 10).toLocaleString("en")} in 10 groups)`,
      value: median(members),
      unit: "bytes",
      spread: spread(members),
    },
  ];
}

module.exports = async function memory() {
  if (typeof global.gc === "function") return measure();
  const out = execFileSync(process.execPath, ["--expose-gc", __filename, "--child"], {
    encoding: "utf8",
    env: process.env,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split("\n").at(-1));
};

if (require.main === module) {
  const child = process.argv.includes("--child");
  module.exports().then(
    (rows) => {
      if (child) process.stdout.write(`${JSON.stringify(rows)}\n`);
      else for (const r of rows) process.stdout.write(`${r.name}: ${r.value.toFixed(0)} ${r.unit} (${r.spread})\n`);
    },
    (error) => {
      process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}
