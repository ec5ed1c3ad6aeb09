// @ts-check
// The scale-out set-up: users, groups, memberships and issued tokens in PostgreSQL, so any number
// of app instances behind a load balancer serve one SCIM endpoint.
// Run it with `DATABASE_URL=postgres://... node examples/postgres/server.js` from the repository
// root (after a build). Start it twice on two ports: both see the same data.

const { once } = require("node:events");
const { randomBytes } = require("node:crypto");
const express = require("express");
const { scim, ALL_SCOPES } = require("express-scim");
const { postgresStore, migrate } = require("express-scim/postgres");

/**
 * @param {{ store: import("express-scim/postgres").PostgresStore, token?: string }} options
 * `token` is a static all-scopes token (SCIM_TOKEN); tokens issued into the database with
 * `npm run scim -- token create ...` work too, whatever this is.
 */
function createApp({ store, token }) {
  const app = express();
  app.get("/", (_req, res) => res.type("text").send("Host app. SCIM lives at /scim/v2 (PostgreSQL)\n"));
  /** @type {(import("express-scim").TokenConfig | import("express-scim").TokenRegistry)[]} */
  const tokens = [store.tokens];
  if (token) tokens.unshift({ token, scopes: [...ALL_SCOPES], label: "SCIM_TOKEN" });
  app.use("/scim/v2", scim({ store, tokens }));
  // Load balancers probe this; it touches the database, so a lost connection shows.
  app.get("/healthz", async (_req, res) => {
    try {
      res.json({ ok: true, schemaVersion: await store.schemaVersion() });
    } catch {
      res.status(503).json({ ok: false });
    }
  });
  return app;
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(
      "Set DATABASE_URL to a PostgreSQL URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/scim_dev (createdb scim_dev first)",
    );
  }
  const port = Number(process.env.PORT || 3000);
  // The tables live in their own PostgreSQL schema ("scim" unless SCIM_PG_SCHEMA says otherwise),
  // apart from the app's own tables.
  const store = postgresStore({ connectionString: url, schema: process.env.SCIM_PG_SCHEMA || "scim" });
  // Real deploys run `npx express-scim migrate` once; doing it at start-up is safe too, even
  // from several instances at once (an advisory lock serialises them).
  const version = await migrate(store);
  const given = process.env.SCIM_TOKEN;
  const token = given || `scim_${randomBytes(24).toString("base64url")}`;
  const app = createApp({ store, token });
  const server = app.listen(port);
  // Rejects on "error" (a port in use): main() then exits non-zero with the reason.
  await once(server, "listening");
  const base = `http://localhost:${port}/scim/v2`;
  process.stdout.write(`Store: PostgreSQL (${new URL(url).host}), schema version ${version}\n`);
  process.stdout.write(`express-scim PostgreSQL example listening on ${base}\n`);
  process.stdout.write(
    given
      ? "Bearer token: the value of SCIM_TOKEN, or any token issued into this database\n"
      : `Bearer token (generated for this run; set SCIM_TOKEN to choose one): ${token}\n`,
  );
  process.stdout.write(`Try: curl -H "Authorization: Bearer ${given ? "$SCIM_TOKEN" : token}" ${base}/Users\n`);
  const stop = () => server.close(() => store.close().then(() => process.exit(0)));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return server;
}

module.exports = { createApp, main };
if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
