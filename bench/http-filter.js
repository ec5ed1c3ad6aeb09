// Issue 3: GET /Users?filter=userName eq "..." over 100,000 users on the memory store, as a
// throughput ratio to an Express hello-world JSON route measured in the same run.

const autocannon = require("autocannon");
const { TOKEN, startHost } = require("./util");

const USERS = Number(process.env.BENCH_USERS || 100_000);

function load(url, headers) {
  return new Promise((resolve, reject) => {
    autocannon({ url, headers, connections: 10, duration: Number(process.env.BENCH_SECONDS || 5) }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

module.exports = async function httpFilter() {
  const host = await startHost();
  const ctx = { tenant: "default" };
  for (let i = 0; i < USERS; i++)
    await host.store.users.create(ctx, { userName: `user${i}@example.com`, active: true });
  const filter = encodeURIComponent(`userName eq "user${Math.floor(USERS / 2)}@example.com"`);
  const hello = await load(`${host.base}/hello`, {});
  const scimRun = await load(`${host.scim}/Users?filter=${filter}`, { Authorization: `Bearer ${TOKEN}` });
  host.server.close();
  if (scimRun.non2xx > 0 || scimRun.errors > 0)
    throw new Error(`filter benchmark saw ${scimRun.non2xx} non-2xx, ${scimRun.errors} errors`);
  return [
    {
      name: "hello-world JSON (reference)",
      value: hello.requests.average,
      unit: "req/s",
      spread: `p2.5 ${hello.requests.p2_5} .. p97.5 ${hello.requests.p97_5}`,
    },
    {
      name: `GET /Users?filter=userName eq over ${USERS.toLocaleString("en")} users`,
      value: scimRun.requests.average,
      unit: "req/s",
      spread: `p2.5 ${scimRun.requests.p2_5} .. p97.5 ${scimRun.requests.p97_5}`,
      ratio: scimRun.requests.average / hello.requests.average,
      target: ">= 0.5",
    },
  ];
};
