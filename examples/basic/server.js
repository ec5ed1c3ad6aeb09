// @ts-check
// A complete host app: an Express service that becomes a SCIM 2.0 provisioning target.
// Run it with `npm start` from the repository root, or `node examples/basic/server.js`.

const { once } = require("node:events");
const { createHash, randomBytes, timingSafeEqual } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const express = require("express");
const { scim, memoryStore, memoryAuditLog, memoryTokenRegistry, ALL_SCOPES } = require("express-scim");
const { scimConsole, memoryRequestLog } = require("express-scim/console");

/**
 * The host's own session table, standing in for whatever your app uses. Deactivating a user
 * over SCIM ends their sessions: that is what the `user.deactivated` listener is for.
 */
function sessionTable() {
  /** @type {Map<string, Set<string>>} */
  const byUser = new Map();
  return {
    open(userId) {
      const sid = randomBytes(8).toString("hex");
      byUser.set(userId, (byUser.get(userId) ?? new Set()).add(sid));
      return sid;
    },
    /** @param {string} userId */
    endAll(userId) {
      const count = byUser.get(userId)?.size ?? 0;
      byUser.delete(userId);
      return count;
    },
    /** @param {string} userId */
    count: (userId) => byUser.get(userId)?.size ?? 0,
  };
}

/**
 * The operator routes' check: the bearer token, compared in constant time as express-scim
 * compares its own (a plain `!==` answers sooner the earlier the first wrong character).
 * Hashing first gives both sides the same length, so the length is not revealed either.
 * @param {string} token
 * @returns {import("express").RequestHandler}
 */
function operatorOnly(token) {
  const digest = (/** @type {string} */ text) => createHash("sha256").update(text, "utf8").digest();
  const expected = digest(`Bearer ${token}`);
  return (req, res, next) => {
    if (timingSafeEqual(digest(req.get("authorization") ?? ""), expected)) return next();
    res.status(401).json({ error: "unauthorized" });
  };
}

/**
 * The console's gate: a browser gets the basic-auth prompt (any user name, ADMIN_TOKEN as the
 * password); scripts may send `Authorization: Bearer <ADMIN_TOKEN>`. Compared as operatorOnly does.
 * @param {string} adminToken
 * @returns {import("express").RequestHandler}
 */
function adminOnly(adminToken) {
  const digest = (/** @type {string} */ text) => createHash("sha256").update(text, "utf8").digest();
  const expected = digest(adminToken);
  return (req, res, next) => {
    const [scheme = "", value = ""] = (req.get("authorization") ?? "").split(" ");
    const given = /^basic$/i.test(scheme)
      ? Buffer.from(value, "base64").toString("utf8").split(":").slice(1).join(":")
      : /^bearer$/i.test(scheme)
        ? value
        : "";
    if (timingSafeEqual(digest(given), expected)) return next();
    res.set("WWW-Authenticate", 'Basic realm="SCIM console", charset="UTF-8"').status(401).send("Admin only.\n");
  };
}

/**
 * @param {{ token: string, adminToken?: string, store?: import("express-scim").Store & { requestLog?: import("express-scim/console").RequestLog }, log?: (line: string) => void }} options
 */
function createApp({ token, adminToken, store = memoryStore(), log = () => {} }) {
  const app = express();
  const sessions = sessionTable();
  const audit = memoryAuditLog({ size: 500 });
  // Issued tokens and the request log live in the SQL store when there is one.
  const registry = store.tokens ?? memoryTokenRegistry();
  const requestLog = { log: store.requestLog ?? memoryRequestLog({ size: 1000 }), sensitive: ["employeeNumber"] };
  app.locals.sessions = sessions;
  app.get("/", (_req, res) => res.type("text").send("Host app. SCIM lives at /scim/v2\n"));
  const router = scim({
    store,
    // SCIM_TOKEN gets every scope, so any client (Okta, Entra, curl) can do everything; tokens
    // issued with `npm run scim -- token create ...` live in the SQL store (docs/auth.md).
    tokens: [{ token, scopes: [...ALL_SCOPES], label: "example" }, registry],
    audit,
    requestLog,
    events: {
      "user.created": (e) => log(`user.created ${e.id} ${e.resource.userName}`),
      "user.deactivated": (e) => log(`user.deactivated ${e.id}: ended ${sessions.endAll(e.id)} session(s)`),
      "user.reactivated": (e) => log(`user.reactivated ${e.id}`),
      "group.members.added": (e) => log(`group ${e.id}: +${e.members.length} member(s)`),
      "group.members.removed": (e) => log(`group ${e.id}: -${e.members.length} member(s)`),
    },
  });
  app.use("/scim/v2", router);
  // The audit trail, for the operator: same bearer token as SCIM, newest first, paged.
  const operator = operatorOnly(token);
  app.get("/admin/audit", operator, async (req, res) => {
    const startIndex = Number(req.query.startIndex ?? 1) || 1;
    const count = Math.min(Number(req.query.count ?? 50) || 50, 500);
    res.json(await audit.list({ startIndex, count }));
  });
  // A stand-in for the host's login: opens a session for a user (by SCIM id), for the demo.
  app.post("/demo/sessions/:userId", operator, (req, res) => {
    sessions.open(String(req.params.userId));
    res.status(201).json({ sessions: sessions.count(String(req.params.userId)) });
  });
  app.get("/demo/sessions/:userId", operator, (req, res) => {
    res.json({ sessions: sessions.count(String(req.params.userId)) });
  });
  // The provisioning console: every SCIM request, tokens, health, dead letters (docs/console.md).
  if (adminToken)
    app.use(
      "/admin",
      adminOnly(adminToken),
      scimConsole({ auth: "host", store, requestLog, tokens: registry, audit, events: router.events }),
    );
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

/**
 * The embedded default is SQLite in ./data (data survives restarts); DATABASE_URL=postgres://...
 * switches to PostgreSQL, where several instances can share one database. SCIM_STORE=memory
 * keeps everything in process memory.
 * @returns {Promise<import("express-scim").Store & { close?: () => Promise<void> }>}
 */
async function openStore() {
  const url = process.env.DATABASE_URL;
  if (process.env.SCIM_STORE === "memory") {
    process.stdout.write("Store: memory (nothing survives a restart)\n");
    return memoryStore();
  }
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const { postgresStore } = require("express-scim/postgres");
    // SCIM_PG_SCHEMA: the PostgreSQL schema for the tables (default "scim"), apart from your app's.
    const store = postgresStore({ connectionString: url, schema: process.env.SCIM_PG_SCHEMA || "scim" });
    await store.migrate(); // safe when several instances start at once
    process.stdout.write(`Store: PostgreSQL (${new URL(url).host})\n`);
    return store;
  }
  const dir = process.env.SCIM_DATA_DIR || path.join(__dirname, "data");
  let sqlite;
  try {
    sqlite = require("express-scim/sqlite");
  } catch (error) {
    // better-sqlite3 is a native module; if it could not be built here, still serve SCIM.
    process.stderr.write(
      `SQLite is unavailable (${error.message.split("\n")[0]}); falling back to the memory store.\n`,
    );
    process.stdout.write("Store: memory (nothing survives a restart)\n");
    return memoryStore();
  }
  fs.mkdirSync(dir, { recursive: true });
  process.stdout.write(`Store: SQLite (${path.join(dir, "scim.db")})\n`);
  return sqlite.sqliteStore({ filename: path.join(dir, "scim.db"), migrate: true });
}

async function main() {
  const port = Number(process.env.PORT || 3000);
  const given = process.env.SCIM_TOKEN;
  const token = given || `scim_${randomBytes(24).toString("base64url")}`;
  const adminGiven = process.env.ADMIN_TOKEN;
  const adminToken = adminGiven || randomBytes(18).toString("base64url");
  const store = await openStore();
  const app = createApp({ token, adminToken, store, log: (line) => process.stdout.write(`[scim] ${line}\n`) });
  if (process.env.SCIM_SEED !== "0") await seed(store);
  const server = app.listen(port);
  // Rejects on "error" (a port in use): main() then exits non-zero with the reason.
  await once(server, "listening");
  const base = `http://localhost:${port}/scim/v2`;
  process.stdout.write(`express-scim example listening on ${base}\n`);
  process.stdout.write(
    given
      ? "Bearer token: the value of SCIM_TOKEN\n"
      : `Bearer token (generated; set SCIM_TOKEN to choose one): ${token}\n`,
  );
  process.stdout.write(`Try: curl -H "Authorization: Bearer ${given ? "$SCIM_TOKEN" : token}" ${base}/Users\n`);
  process.stdout.write(
    `Console: http://localhost:${port}/admin/ (any user name; password ${adminGiven ? "the value of ADMIN_TOKEN" : `${adminToken}, generated; set ADMIN_TOKEN to choose one`})\n`,
  );
  return server;
}

module.exports = { createApp, main, openStore, seed };
if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
