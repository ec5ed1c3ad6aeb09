// @ts-check
// The other end of a webhook: a service that must react when the identity provider deactivates
// someone. It verifies each delivery's Standard Webhooks signature, handles each event once (a
// retry carries the same webhook-id), and ends the user's sessions on `user.deactivated`.
// Run it with `node examples/webhooks/receiver.js` from the repository root.

const { once } = require("node:events");
const express = require("express");
const { Webhook } = require("standardwebhooks");
const { secretFrom } = require("./demo-secret");

/**
 * @param {{ secret: string, log?: (line: string) => void }} options
 */
function createReceiver({ secret, log = (line) => process.stdout.write(`${line}\n`) }) {
  const webhook = new Webhook(secret);
  /** Open sessions per user id; your app keeps these in its session store. */
  const sessions = new Map();
  /** webhook-ids already handled; keep them in your database, for longer than the sender retries (a day). */
  const handled = new Set();

  /** @param {string} userId */
  const endSessions = (userId) => {
    const count = sessions.get(userId) ?? 0;
    sessions.delete(userId);
    log(`ended ${count} session(s) of user ${userId}`);
  };

  const app = express();
  // Demo only: "logs a user in" so there is a session to end.
  app.post("/login/:userId", (req, res) => {
    sessions.set(req.params.userId, (sessions.get(req.params.userId) ?? 0) + 1);
    res.status(204).end();
  });

  // The signature covers the exact bytes sent: read the raw body, never a re-serialised one.
  app.post("/webhooks/scim", express.raw({ type: () => true, limit: "1mb" }), (req, res) => {
    /** @type {any} */
    let event;
    try {
      event = webhook.verify(req.body, /** @type {Record<string, string>} */ (req.headers));
    } catch {
      log("refused a delivery with a bad signature");
      return res.status(400).end();
    }
    const id = String(req.get("webhook-id"));
    if (handled.has(id)) {
      log(`already handled ${id}`);
      return res.status(204).end();
    }
    if (event.type === "user.deactivated" || event.type === "user.deleted") endSessions(event.resourceId);
    // Only after the work is done: a crash before this line means the retry does it again.
    handled.add(id);
    // Any 2xx is success; anything else (or no answer within the sender's timeout) is retried.
    res.status(204).end();
  });
  return app;
}

async function main() {
  const port = Number(process.env.RECEIVER_PORT || 4000);
  const server = createReceiver({ secret: secretFrom(process.env) }).listen(port, "127.0.0.1");
  await once(server, "listening");
  process.stdout.write(`webhook receiver listening on http://localhost:${port}/webhooks/scim\n`);
  return server;
}

module.exports = { createReceiver, main };
if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
