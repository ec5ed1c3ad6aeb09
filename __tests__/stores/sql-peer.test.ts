/** Loading the SQL drivers: a missing one is named, a broken one keeps its own error. */
import { loadPeer } from "../../lib/stores/sql/peer";

const notFound = (name: string) =>
  Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- /app/x.js`), { code: "MODULE_NOT_FOUND" });

test("a missing driver becomes one message with the command that installs it", () => {
  expect(() =>
    loadPeer("pg", 8, "postgresStore", () => {
      throw notFound("pg");
    }),
  ).toThrow(new Error("postgresStore needs pg, an optional peer dependency of express-scim: npm install pg@8"));
});

test("an installed driver that fails to load keeps its own error", () => {
  const dependencyMissing = notFound("pg-pool");
  expect(() =>
    loadPeer("pg", 8, "postgresStore", () => {
      throw dependencyMissing;
    }),
  ).toThrow(dependencyMissing);
  const wrongAbi = new Error("The module was compiled against a different Node.js version");
  expect(() =>
    loadPeer("better-sqlite3", 12, "sqliteStore", () => {
      throw wrongAbi;
    }),
  ).toThrow(wrongAbi);
});

test("a driver that loads is returned as is", () => {
  const driver = { Pool: class {} };
  expect(loadPeer("pg", 8, "postgresStore", () => driver)).toBe(driver);
});
