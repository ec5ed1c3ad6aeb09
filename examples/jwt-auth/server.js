// @ts-check
// Bring your own authentication: the SCIM router trusts whatever your app already trusts. Here
// that is a JWT signed with HS256 (RFC 7519), verified with node:crypto and nothing else; the
// claims say which scopes and which tenant the caller has.
// Run it with `node examples/jwt-auth/server.js` from the repository root (after a build).

const { once } = require("node:events");
const { createHmac, randomBytes, timingSafeEqual } = require("node:crypto");
const express = require("express");
const { scim, memoryStore, SCOPE_PRESETS } = require("express-scim");

const ISSUER = "https://auth.example.com/";
const AUDIENCE = "scim";

/** @param {Buffer | string} data */
const b64url = (data) => Buffer.from(data).toString("base64url");

/**
 * Signs claims as a compact HS256 JWT. Your identity provider or auth service does this in real
 * life; the example does it only to print a demo token.
 * @param {Record<string, unknown>} claims
 * @param {string} secret
 * @param {{ expiresInSeconds?: number }} [options]
 */
function signJwt(claims, secret, { expiresInSeconds = 3600 } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = b64url(
    JSON.stringify({ iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + expiresInSeconds, ...claims }),
  );
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/**
 * Verifies a compact HS256 JWT: the algorithm (never "none", never whatever the token claims),
 * the signature in constant time, then exp, nbf, iss and aud. Answers the claims, or null.
 * @param {string} token
 * @param {string} secret
 * @returns {Record<string, unknown> | null}
 */
function verifyJwt(token, secret) {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts;
  try {
    if (JSON.parse(Buffer.from(header, "base64url").toString("utf8")).alg !== "HS256") return null;
    const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (typeof claims !== "object" || claims === null || Array.isArray(claims)) return null;
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== "number" || claims.exp <= now) return null;
    if (typeof claims.nbf === "number" && claims.nbf > now) return null;
    if (claims.iss !== ISSUER) return null;
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(AUDIENCE)) return null;
    return claims;
  } catch {
    return null; // not base64url JSON: not a token of ours
  }
}

/**
 * @param {{ secret: string, store?: import("express-scim").Store }} options
 */
function createApp({ secret, store = memoryStore() }) {
  const app = express();
  app.get("/", (_req, res) => res.type("text").send("Host app. SCIM lives at /scim/v2 (JWT bearer tokens)\n"));
  app.use(
    "/scim/v2",
    scim({
      store,
      // `auth` instead of `tokens`: return the principal, or null for a 401 with
      // WWW-Authenticate. Scopes the token lacks are answered 403 by the router itself.
      auth: async (req) => {
        const header = req.get("authorization") ?? "";
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        const claims = match ? verifyJwt(match[1], secret) : null;
        if (!claims) return null;
        return {
          scopes: String(claims.scope ?? "")
            .split(" ")
            .filter(Boolean),
          // A token names its tenant (an organisation id, say); none means "default".
          ...(typeof claims.tenant === "string" ? { tenant: claims.tenant } : {}),
          label: String(claims.sub ?? "jwt"),
        };
      },
    }),
  );
  return app;
}

async function main() {
  const port = Number(process.env.PORT || 3000);
  const given = process.env.JWT_SECRET;
  const secret = given || randomBytes(32).toString("base64url");
  const app = createApp({ secret });
  const demo = signJwt({ sub: "okta-provisioning", scope: SCOPE_PRESETS.oktaTemplate.join(" ") }, secret, {
    expiresInSeconds: 3600,
  });
  const server = app.listen(port);
  // Rejects on "error" (a port in use): main() then exits non-zero with the reason.
  await once(server, "listening");
  const base = `http://localhost:${port}/scim/v2`;
  process.stdout.write("Store: memory (nothing survives a restart)\n");
  process.stdout.write(`express-scim JWT example listening on ${base}\n`);
  process.stdout.write(
    given
      ? "Signing secret: the value of JWT_SECRET\n"
      : "Signing secret: generated for this run (set JWT_SECRET to choose one)\n",
  );
  process.stdout.write(`Demo token (HS256, scopes of SCOPE_PRESETS.oktaTemplate, valid 1 hour): ${demo}\n`);
  process.stdout.write(`Try: curl -H "Authorization: Bearer ${demo}" ${base}/Users\n`);
  return server;
}

module.exports = { createApp, main, signJwt, verifyJwt, ISSUER, AUDIENCE };
if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
