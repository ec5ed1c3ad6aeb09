/**
 * The console in a real headless Chromium (Debian's package, driven by playwright-core): an IdP
 * provisions over the real SCIM API, then an admin finds the request, opens the failure, issues
 * a token that curl then uses, revokes it, and reads /readyz. Takes docs/console.png on the way.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import type { Server } from "node:http";
import { chromium, type Browser, type Page } from "playwright-core";
import { sqliteStore } from "../../lib/stores/sqlite";
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from "../../lib/schema/urns";
import { ADMIN, SCIM_TOKEN, consoleHost } from "./app";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// Every run takes the screenshot; `npm run docs:screenshot` keeps it as docs/console.png (a plain
// run writes under .tmp/, so the suite never leaves the working tree changed).
const SCREENSHOT = path.resolve(__dirname, "..", "..", process.env.CONSOLE_SCREENSHOT ?? ".tmp/console.png");
const PASSWORD = "Correct-Horse-Battery-Staple-9";

jest.setTimeout(120_000);

let server: Server;
let browser: Browser;
let page: Page;
let base: string;
const store = sqliteStore({ filename: ":memory:", migrate: true });

/** curl, as an admin would try a freshly issued token from a shell (async: the server is in this process). */
const curlStatus = async (url: string, token: string) =>
  (
    await promisify(execFile)(
      "curl",
      ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", `Authorization: Bearer ${token}`, url],
      {
        encoding: "utf8",
      },
    )
  ).stdout;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH.`);
  const h = consoleHost({ store });
  server = h.app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  const context = await browser.newContext({
    extraHTTPHeaders: { Authorization: `Bearer ${ADMIN}` },
    viewport: { width: 1280, height: 800 },
  });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  // Keep-alive connections (fetch's, curl's) would hold close() open.
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await store.close();
});

const scim = (method: string, url: string, body?: unknown) =>
  fetch(`${base}/scim/v2${url}`, {
    method,
    headers: {
      Authorization: `Bearer ${SCIM_TOKEN}`,
      "Content-Type": "application/scim+json",
      "User-Agent": "Okta SCIM Client 1.0.0",
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

test("provision over SCIM, then find the request and the failed one's redacted body", async () => {
  const user = {
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    userName: "lin@example.com",
    password: PASSWORD,
    [ENTERPRISE_USER_SCHEMA]: { employeeNumber: "E-4242-HIDDEN" },
  };
  expect((await scim("POST", "/Users", user)).status).toBe(201);
  expect((await scim("POST", "/Users", user)).status).toBe(409);
  expect((await scim("GET", "/Users?count=5")).status).toBe(200);

  await page.goto(`${base}/admin/requests`);
  await page.getByRole("link", { name: "Requests" }).waitFor();
  const table = page.getByRole("table");
  await expect(table.getByRole("cell", { name: "409" }).count()).resolves.toBe(1);
  await expect(table.getByRole("cell", { name: "201" }).count()).resolves.toBe(1);

  await page.getByLabel("Status").selectOption("4xx");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/status=4xx/);
  await page.getByRole("table").getByRole("link").first().click();
  await page.getByRole("heading", { name: "Request body" }).waitFor();
  const text = await page.locator("main").textContent();
  expect(text).toContain("lin@example.com");
  expect(text).toContain("[redacted]");
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain("E-4242-HIDDEN");
});

test("the status panel, captured for docs/console.md", async () => {
  await page.goto(`${base}/admin/`);
  await page.getByRole("heading", { name: /Readiness: ready/ }).waitFor();
  expect(await page.locator("main").textContent()).toContain("Okta");
  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
});

test("issue a token, use it with curl, revoke it and see 401", async () => {
  await page.goto(`${base}/admin/tokens`);
  await page.getByLabel("Label").fill("curl-from-browser");
  await page.getByLabel("get:users").check();
  await page.getByRole("button", { name: "Issue token" }).click();
  const secret = (await page.locator("#new-token").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^scim_/);
  expect(await curlStatus(`${base}/scim/v2/Users`, secret)).toBe("200");

  await page.goto(`${base}/admin/tokens`);
  expect(await page.locator("main").textContent()).not.toContain(secret);
  await page.getByRole("button", { name: "Revoke curl-from-browser" }).click();
  await page.getByRole("cell", { name: "revoked" }).waitFor();
  expect(await curlStatus(`${base}/scim/v2/Users`, secret)).toBe("401");
});

test("/readyz reads as JSON in the browser", async () => {
  const res = await page.goto(`${base}/admin/readyz`);
  expect(res?.status()).toBe(200);
  expect(JSON.parse((await page.locator("body").textContent()) ?? "")).toMatchObject({ status: "ready" });
});
