// @ts-check
/**
 * A host app that already has its own PostgreSQL tables for users and teams (schema.sql), with
 * its own column names, provisioned over SCIM through a custom store (store.js) and a mapping
 * (mapping.js). Run it from the repository root:
 *
 *   createdb scim_dev
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/scim_dev node examples/existing-users-table/server.js
 */

const { once } = require("node:events");
const { randomBytes } = require("node:crypto");
const express = require("express");
const { Pool } = require("pg");
const { scim, ALL_SCOPES } = require("express-scim");
const { appUsersStore, createTables } = require("./store");
const mapping = require("./mapping");

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error(
      "Set DATABASE_URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/scim_dev (createdb scim_dev first)",
    );
  const schema = process.env.APP_SCHEMA || "acme";
  const port = Number(process.env.PORT || 3000);
  const token = process.env.SCIM_TOKEN || `scim_${randomBytes(24).toString("base64url")}`;

  const pool = new Pool({ connectionString: url });
  // A real app has these tables already (its own migrations made them); the example makes them.
  await createTables(pool, schema);

  const app = express();
  app.get("/", (_req, res) => res.type("text").send("Host app. SCIM lives at /scim/v2\n"));
  app.use(
    "/scim/v2",
    scim({
      store: appUsersStore({ pool, schema }),
      tokens: [{ token, scopes: [...ALL_SCOPES], label: "example" }],
      mapping: { users: mapping.users, groups: mapping.groups },
    }),
  );

  const server = app.listen(port);
  // Rejects on "error" (a port in use): main() then exits non-zero with the reason.
  await once(server, "listening");
  const base = `http://localhost:${port}/scim/v2`;
  process.stdout.write(`existing-users-table example listening on ${base} (tables in schema "${schema}")\n`);
  process.stdout.write(
    process.env.SCIM_TOKEN
      ? "Bearer token: the value of SCIM_TOKEN\n"
      : `Bearer token (generated; set SCIM_TOKEN to choose one): ${token}\n`,
  );
  const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
