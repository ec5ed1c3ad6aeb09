/**
 * docs/security.md: debug lines and the logger see shapes, not the values clients send
 * (filters carry e-mail addresses). EXPRESS_SCIM_DEBUG_VALUES=1 shows values, for local use.
 */
import createDebug from "debug";
import { format } from "node:util";
import { memoryStore } from "../../lib";
import { faultyStore } from "../../lib/testing";
import { createUser, host } from "./app";
import { PATCH_OP } from "../helpers/fixtures";

const EMAIL = "ada.lovelace@example.com";
const lines: string[] = [];
const savedLog = createDebug.log;
beforeAll(() => {
  createDebug.log = (...args: unknown[]) => void lines.push(format(...(args as [unknown, ...unknown[]])));
  createDebug.enable("express-scim:*");
});
afterAll(() => {
  createDebug.disable();
  createDebug.log = savedLog;
});
beforeEach(() => {
  lines.length = 0;
  delete process.env.EXPRESS_SCIM_DEBUG_VALUES;
});

const filter = encodeURIComponent(`userName eq "${EMAIL}" or emails[value co "lovelace" and type eq "work"]`);

test("express-scim:filter prints the filter's shape with every value hidden", async () => {
  const h = host({ rateLimit: false });
  await h.get(`/Users?filter=${filter}`).expect(200);
  await h.post("/Users/.search", { filter: `externalId eq 12345` }).expect(200);
  const text = lines.join("\n");
  expect(text).toContain('userName eq "…" or emails[value co "…" and type eq "…"]');
  expect(text).toContain('externalId eq "…"');
  for (const secret of [EMAIL, "lovelace", "12345", "%40"]) expect(text).not.toContain(secret);
});

test("express-scim:patch hides the values inside PATCH path filters", async () => {
  const h = host({ rateLimit: false });
  const id = await createUser(h, EMAIL);
  lines.length = 0;
  const path = `emails[value eq "${EMAIL}"].display`;
  await h.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: "replace", path, value: "x" }] }).expect(200);
  const text = lines.join("\n");
  expect(text).toContain('replace emails[value eq "…"].display');
  expect(text).not.toContain(EMAIL);
});

test("EXPRESS_SCIM_DEBUG_VALUES=1 shows the values, for local debugging", async () => {
  process.env.EXPRESS_SCIM_DEBUG_VALUES = "1";
  const h = host({ rateLimit: false });
  await h.get(`/Users?filter=${filter}`).expect(200);
  expect(lines.join("\n")).toContain(`userName eq "${EMAIL}"`);
});

test("the logger receives the path of a failed request without its query string", async () => {
  const logged: object[] = [];
  const store = faultyStore(memoryStore(), { failAt: (call) => call.method === "query" });
  const h = host({ store, rateLimit: false, logger: { error: (obj) => void logged.push(obj) } });
  await h.get(`/Users?filter=${filter}`).expect(500);
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatchObject({ method: "GET", path: "/scim/v2/Users" });
  expect(JSON.stringify(logged[0], (k, v) => (k === "err" ? undefined : v))).not.toMatch(/ada|%40|filter/);
});
