// @ts-check
// A complete host app: an Express service that becomes a SCIM 2.0 provisioning target.
// Run it with `npm start` from the repository root, or `node examples/basic/server.js`.
"use strict";
const { randomBytes } = require("node:crypto");
const express = require("express");
const { scim, memoryStore, ALL_SCOPES } = require("express-scim");

/**
 * @param {{ token: string, store?: import("express-scim").Store }} options
 */
function createApp({ token, store = memoryStore() }) {
  const app = express();
  app.get("/", (_req, res) => res.type("text").send("Host app. SCIM lives at /scim/v2\n"));
  // Every scope, so any client (Okta, Entra, curl) can do everything; see docs for narrower presets.
  app.use("/scim/v2", scim({ store, tokens: [{ token, scopes: [...ALL_SCOPES], label: "example" }] }));
  return app;
}

/**
 * Okta's SCIM spec test needs one user to exist before it starts, so an empty store gets a demo
 * user (set SCIM_SEED=0 to skip). A host app would have its own users already.
 * @param {import("express-scim").Store} store
 */
async function seed(store) {
  const ctx = { tenant: "default" };
  const { total } = await store.users.query(ctx, { startIndex: 1, count: 0 });
  if (total > 0) return;
  await store.users.create(ctx, {
    userName: "demo.user@example.com",
    name: { givenName: "Demo", familyName: "User" },
    displayName: "Demo User",
    emails: [{ value: "demo.user@example.com", type: "work", primary: true }],
    active: true,
  });
}

async function main() {
  const port = Number(process.env.PORT || 3000);
  const given = process.env.SCIM_TOKEN;
  const token = given || `scim_${randomBytes(24).toString("base64url")}`;
  const store = memoryStore();
  const app = createApp({ token, store });
  if (process.env.SCIM_SEED !== "0") await seed(store);
  const server = app.listen(port, () => {
    const base = `http://localhost:${port}/scim/v2`;
    process.stdout.write(`express-scim example listening on ${base}\n`);
    process.stdout.write(given ? "Bearer token: the value of SCIM_TOKEN\n" : `Bearer token (generated; set SCIM_TOKEN to choose one): ${token}\n`);
    process.stdout.write(`Try: curl -H "Authorization: Bearer ${given ? "$SCIM_TOKEN" : token}" ${base}/Users\n`);
  });
  return server;
}

module.exports = { createApp, main, seed };
if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
