// @ts-check
// A host app whose provisioning events leave as signed webhooks: every deactivation and deletion
// Okta or Entra sends is POSTed to WEBHOOK_URL, signed per Standard Webhooks, and retried with
// backoff until the receiver (receiver.js beside this file) accepts it.
// Run it with `node examples/webhooks/server.js` from the repository root (after a build).

const { once } = require("node:events");
const { randomBytes } = require("node:crypto");
const express = require("express");
const { scim, memoryStore, ALL_SCOPES } = require("express-scim");
const { secretFrom } = require("./demo-secret");

/**
 * @param {{ token: string, webhookUrl: string, secret: string }} options
 */
function createApp({ token, webhookUrl, secret }) {
  const app = express();
  app.use(
    "/scim/v2",
    scim({
      store: memoryStore(),
      tokens: [{ token, scopes: [...ALL_SCOPES], label: "idp" }],
      webhooks: [
        {
          url: webhookUrl,
          secret,
          events: ["user.deactivated", "user.deleted"],
          // http is refused except to this machine, and then only when you say so: never in production.
          allowInsecureLoopback: process.env.NODE_ENV !== "production",
        },
      ],
    }),
  );
  return app;
}

async function main() {
  const port = Number(process.env.PORT || 3000);
  const token = process.env.SCIM_TOKEN || `scim_${randomBytes(24).toString("base64url")}`;
  const webhookUrl = process.env.WEBHOOK_URL || "http://localhost:4000/webhooks/scim";
  const server = createApp({ token, webhookUrl, secret: secretFrom(process.env) }).listen(port);
  await once(server, "listening");
  process.stdout.write(`express-scim webhooks example listening on http://localhost:${port}/scim/v2\n`);
  process.stdout.write(`Token: ${token}\nWebhooks to: ${webhookUrl}\n`);
  return server;
}

module.exports = { createApp, main };
if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
