/**
 * The recorded client sequences (Okta's spec and CRUD tests, Entra's provisioning) replayed on
 * a SQL store: REPLAY_STORE=sqlite or REPLAY_STORE=postgres picks which (scripts/test.js).
 */
const base = require("./jest.config.js");
module.exports = {
  ...base,
  displayName: `replay on ${process.env.REPLAY_STORE}`,
  testMatch: ["**/__tests__/http/replay-*.test.ts"],
};
