/**
 * The CLI against real stores: tokens it issues are accepted by a router on the same database,
 * and revoked ones are refused.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import express from "express";
import request from "supertest";
import { memoryStore, scim } from "../../lib";
import { main } from "../../lib/cli";
import { cli } from "./run-cli";
import { sqliteStore } from "../../lib/stores/sqlite";
import { DATABASE_URL, describePostgres, testSchema } from "../stores/postgres-helpers";

const secretOf = (out: string) => /shown once, store it now\): (\S+)/.exec(out)?.[1] ?? "";
const idOf = (out: string) => /^id (\S+)/m.exec(out)?.[1] ?? "";

function appOn(tokens: Parameters<typeof scim>[0]["tokens"]) {
  const app = express();
  app.use("/scim/v2", scim({ store: memoryStore(), tokens: tokens! }));
  return (token: string) => request(app).get("/scim/v2/Users").set("Authorization", `Bearer ${token}`);
}

describe("express-scim CLI on SQLite", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "express-scim-cli-")), "scim.db");

  test("migrate, create, list without secrets, revoke; the router agrees at each step", async () => {
    expect((await cli("migrate", "--sqlite", file)).out).toMatch(/Schema at version \d+/);
    const created = await cli(
      "token",
      "create",
      "--sqlite",
      file,
      "--preset",
      "entra",
      "--expires",
      "90d",
      "--label",
      "entra-prod",
    );
    expect(created.code).toBe(0);
    const secret = secretOf(created.out);
    expect(secret).toMatch(/^scim_/);
    const store = sqliteStore({ filename: file });
    const get = appOn(store.tokens);
    await get(secret).expect(200);
    const listed = await cli("token", "list", "--sqlite", file);
    expect(listed.out).toContain("entra-prod");
    expect(listed.out).toContain("active");
    expect(listed.out).not.toContain(secret);
    expect((await cli("token", "revoke", idOf(created.out), "--sqlite", file)).code).toBe(0);
    expect((await get(secret)).status).toBe(401);
    expect((await cli("token", "list", "--sqlite", file)).out).toContain("revoked");
    await store.close();
  });

  test("a token created with --profile is read with that client's quirks only; an unknown name issues nothing", async () => {
    await cli("migrate", "--sqlite", file);
    const created = await cli("token", "create", "--sqlite", file, "--preset", "entra", "--profile", "entra");
    expect(created.code).toBe(0);
    expect((await cli("token", "list", "--sqlite", file)).out).toMatch(
      new RegExp(`${idOf(created.out)} .* profile entra`),
    );
    const store = sqliteStore({ filename: file });
    const app = express();
    app.use("/scim/v2", scim({ store: memoryStore(), tokens: store.tokens, profile: "strict" }));
    const plain = await cli("token", "create", "--sqlite", file, "--preset", "entra");
    const patch = (secret: string) =>
      request(app)
        .patch("/scim/v2/Users/nobody")
        .set("Authorization", `Bearer ${secret}`)
        .set("User-Agent", "Microsoft.Identity.Provisioning")
        .send({
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "Replace", path: "displayName", value: "X" }],
        });
    // Entra's capitalised op passes the parser under Entra's profile (then 404: no such user);
    // the same request with a token without a profile gets the strict router's 400.
    expect((await patch(secretOf(created.out))).status).toBe(404);
    expect((await patch(secretOf(plain.out))).status).toBe(400);
    const before = (await cli("token", "list", "--sqlite", file, "--json")).out;
    const refused = await cli("token", "create", "--sqlite", file, "--scopes", "get:users", "--profile", "azure");
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/"azure" is not a profile; use one of lenient, strict, okta/);
    expect((await cli("token", "list", "--sqlite", file, "--json")).out).toBe(before);
    await store.close();
  });

  test("rotate gives a new working token and keeps the old one for the grace period", async () => {
    await cli("migrate", "--sqlite", file);
    const first = await cli("token", "create", "--sqlite", file, "--scopes", "get:users");
    const rotated = await cli("token", "rotate", idOf(first.out), "--sqlite", file, "--grace", "30m");
    expect(rotated.code).toBe(0);
    const store = sqliteStore({ filename: file });
    const get = appOn(store.tokens);
    await get(secretOf(first.out)).expect(200);
    await get(secretOf(rotated.out)).expect(200);
    await store.close();
  });

  test("mistakes are explained, with a non-zero exit", async () => {
    expect(await cli("token", "create", "--sqlite", file, "--scopes", "read:users")).toMatchObject({
      code: 2,
      err: expect.stringContaining("unknown: read:users"),
    });
    expect(await cli("token", "create", "--sqlite", file, "--scopes", "get:users", "--expires", "5m")).toMatchObject({
      code: 1,
      err: expect.stringContaining("15 minutes"),
    });
    expect(await cli("token", "revoke", "no-such-id", "--sqlite", file)).toMatchObject({
      code: 1,
      err: expect.stringContaining("No token"),
    });
    const noStore = await main(
      ["token", "list"],
      () => {},
      () => {},
    );
    expect(DATABASE_URL ? [0, 1] : [1]).toContain(noStore);
    expect((await cli("frobnicate", "--sqlite", file)).code).toBe(2);
  });

  /** How many tokens the file holds: a refused command must leave it unchanged. */
  const tokenCount = async () =>
    (JSON.parse((await cli("token", "list", "--sqlite", file, "--json")).out) as unknown[]).length;

  test("unknown and conflicting flags are refused before anything is written", async () => {
    await cli("migrate", "--sqlite", file);
    const before = await tokenCount();
    const typo = await cli("token", "create", "--sqlite", file, "--scopes", "get:users", "--expire", "90d");
    expect(typo).toMatchObject({ code: 2, out: "" });
    expect(typo.err).toContain("--expire");
    const both = await cli("token", "create", "--sqlite", file, "--preset", "entra", "--scopes", "get:users");
    expect(both).toMatchObject({
      code: 2,
      out: "",
      err: expect.stringContaining("--scopes and --preset cannot be used together"),
    });
    expect((await cli("token", "list", "--sqlite", file, "--frob")).code).toBe(2);
    expect((await cli("token", "revoke", "--sqlite", file)).err).toContain("takes ID");
    expect((await cli("migrate", "extra", "--sqlite", file)).code).toBe(2);
    expect(await tokenCount()).toBe(before);
  });

  test("lifetimes and grace periods are checked before a token is issued", async () => {
    await cli("migrate", "--sqlite", file);
    const first = await cli("token", "create", "--sqlite", file, "--scopes", "get:users");
    const before = await tokenCount();
    const huge = await cli("token", "create", "--sqlite", file, "--scopes", "get:users", "--expires", "100000000d");
    expect(huge).toMatchObject({ code: 1, out: "", err: expect.stringContaining("at most 3650 days") });
    const bogus = await cli("token", "rotate", idOf(first.out), "--sqlite", file, "--grace", "bogus");
    expect(bogus).toMatchObject({ code: 1, out: "", err: expect.stringContaining('cannot read duration "bogus"') });
    expect(await tokenCount()).toBe(before);
  });

  test("a rotated token is not rotated again unless asked", async () => {
    await cli("migrate", "--sqlite", file);
    const first = await cli("token", "create", "--sqlite", file, "--scopes", "get:users");
    expect((await cli("token", "rotate", idOf(first.out), "--sqlite", file)).code).toBe(0);
    const before = await tokenCount();
    const again = await cli("token", "rotate", idOf(first.out), "--sqlite", file);
    expect(again).toMatchObject({ code: 1, out: "", err: expect.stringContaining("already rotated") });
    expect(await tokenCount()).toBe(before);
    expect((await cli("token", "list", "--sqlite", file)).out).toMatch(new RegExp(`${idOf(first.out)}  rotated`));
    expect((await cli("token", "rotate", idOf(first.out), "--sqlite", file, "--again")).code).toBe(0);
    expect(await tokenCount()).toBe(before + 1);
  });

  test("help, per-command help and the version; errors carry one prefix", async () => {
    const help = await cli("--help");
    expect(help).toMatchObject({ code: 0, err: "" });
    expect(help.out).toContain("token rotate");
    const one = await cli("help", "token", "create");
    expect(one.code).toBe(0);
    expect(one.out).toContain("--expires VALUE");
    expect((await cli("token", "create", "--help")).out).toBe(one.out);
    expect((await cli("help", "nope")).code).toBe(2);
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as {
      version: string;
    };
    expect(await cli("--version")).toMatchObject({ code: 0, out: `${pkg.version}\n` });
    const failed = await cli("token", "create", "--sqlite", file, "--scopes", "get:users", "--expires", "5m");
    expect(failed.err).toMatch(/^express-scim: a token must live/);
    expect(failed.err).not.toContain("express-scim: express-scim:");
  });

  test("the built bin runs as a program", () => {
    const bin = path.join(__dirname, "..", "..", "dist", "cjs", "cli", "index.js");
    const out = execFileSync(process.execPath, [bin, "migrate", "--sqlite", file], { encoding: "utf8" });
    expect(out).toMatch(/Schema at version/);
    expect(fs.readFileSync(bin, "utf8").startsWith("#!/usr/bin/env node")).toBe(true);
  });
});

describePostgres("express-scim CLI on PostgreSQL", () => {
  const db = testSchema("scim_cli");
  afterAll(() => db.drop());

  test("tokens issued by the CLI are accepted by a router on the same database", async () => {
    const args = ["--database-url", DATABASE_URL!, "--schema", db.schema];
    expect((await cli("migrate", ...args)).code).toBe(0);
    const created = await cli("token", "create", ...args, "--scopes", "get:users", "--tenant", "acme");
    expect(created.code).toBe(0);
    const get = appOn(db.store().tokens);
    await get(secretOf(created.out)).expect(200);
    expect((await cli("token", "list", ...args, "--tenant", "acme", "--json")).out).toContain('"tenant": "acme"');
  });
});
