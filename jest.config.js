/** HTTP and unit tests on Express 5 (the development version). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 30000,
  // Every response a test host sends is checked against its OpenAPI document (docs/openapi.md).
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup/openapi-contract.ts"],
};
