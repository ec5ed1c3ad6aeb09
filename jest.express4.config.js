/**
 * The HTTP tests again, with every `require("express")` (the library's and the tests') answered by
 * Express 4, so the supported range `^4.21 || ^5` is proven, not assumed.
 */
const base = require("./jest.config.js");
module.exports = {
  ...base,
  displayName: "express4",
  testMatch: ["**/__tests__/http/**/*.test.ts", "**/__tests__/console/console.test.ts"],
  moduleNameMapper: { "^express$": "<rootDir>/node_modules/express4" },
  setupFiles: ["<rootDir>/__tests__/setup/express4.js"],
};
