// @ts-check
// One router, many tenants: every customer of a SaaS app gets its own SCIM endpoint,
// /scim/v2/<tenant>, and its own bearer token, which works on that endpoint only.
// Run it with `node examples/multi-tenant/server.js` from the repository root (after a build).

const { once } = require("node:events");
const { randomBytes } = require("node:crypto");
const express = require("express");
const { scim, memoryStore, SCOPE_PRESETS, ALL_SCOPES } = require("express-scim");

/** Tenant names become URL segments and store keys: keep them boring. */
const TENANT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * @param {{
 *   tenants: Record<string, string>,
 *   store?: import("express-scim").Store,
 *   scopes?: readonly import("express-scim").Scope[],
 * }} options `tenants` maps each tenant name to its bearer token.
 */
function createApp({ tenants, store = memoryStore(), scopes = ALL_SCOPES }) {
  for (const name of Object.keys(tenants)) {
    if (!TENANT_NAME.test(name))
      throw new TypeError(`Tenant name ${JSON.stringify(name)} must be lower-case letters, digits and "-".`);
  }
  const app = express();
  app.get("/", (_req, res) =>
    res.type("text").send(`Host app. SCIM lives at /scim/v2/<tenant> for: ${Object.keys(tenants).join(", ")}\n`),
  );
  app.use(
    "/scim/v2/:tenant",
    scim({
      store,
      // The tenant of every request comes from the path...
      tenant: (req) => String(req.params.tenant),
      // ...and each token is bound to one tenant. Used on another tenant's path, a token is
      // answered exactly like an unknown one (401), so it learns nothing about that tenant.
      tokens: Object.entries(tenants).map(([tenant, token]) => ({ token, scopes: [...scopes], tenant, label: tenant })),
    }),
  );
  return app;
}

/**
 * TENANTS names the tenants (default "acme,globex"). Each takes its token from
 * SCIM_TOKEN_<NAME> (upper case, "-" as "_"), or gets a generated one that is printed.
 * @param {NodeJS.ProcessEnv} env
 */
function tenantsFrom(env) {
  const names = (env.TENANTS || "acme,globex")
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  /** @type {Record<string, string>} */
  const tenants = {};
  for (const name of names) {
    const given = env[`SCIM_TOKEN_${name.toUpperCase().replace(/-/g, "_")}`];
    tenants[name] = given || `scim_${randomBytes(24).toString("base64url")}`;
  }
  return tenants;
}

async function main() {
  const port = Number(process.env.PORT || 3000);
  const tenants = tenantsFrom(process.env);
  // SCIM_SCOPES=entra (or oktaSaml, oktaTemplate) grants a preset instead of every scope.
  const preset = /** @type {keyof typeof SCOPE_PRESETS | undefined} */ (process.env.SCIM_SCOPES);
  const scopes = preset && preset in SCOPE_PRESETS ? SCOPE_PRESETS[preset] : ALL_SCOPES;
  const app = createApp({ tenants, scopes });
  const server = app.listen(port);
  // Rejects on "error" (a port in use): main() then exits non-zero with the reason.
  await once(server, "listening");
  process.stdout.write("Store: memory (nothing survives a restart)\n");
  process.stdout.write(`express-scim multi-tenant example listening on http://localhost:${port}\n`);
  for (const [name, token] of Object.entries(tenants)) {
    process.stdout.write(`Tenant ${name}: http://localhost:${port}/scim/v2/${name}  token: ${token}\n`);
  }
  return server;
}

module.exports = { createApp, main, tenantsFrom };
if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
