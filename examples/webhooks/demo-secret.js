// @ts-check
// The secret both halves of the example share when WEBHOOK_SECRET is not set. A real one is
// `whsec_` and the base64 of 32 random bytes, made once per receiver, e.g.
//   node -e 'console.log("whsec_" + require("node:crypto").randomBytes(32).toString("base64"))'
// and kept out of the repository like any other secret.
const DEMO_SECRET = "whsec_ZXhwcmVzcy1zY2ltIGRlbW8gc2VjcmV0LCBub3QgZm9yIHVzZSE=";

/** @param {NodeJS.ProcessEnv} env */
const secretFrom = (env) => env.WEBHOOK_SECRET || DEMO_SECRET;

module.exports = { secretFrom };
