/**
 * `express-scim openapi`: the document of the configuration a file describes, the same one
 * GET /openapi.json serves for those options; no store needed.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cli } from "./run-cli";
import { host } from "../http/app";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "express-scim-openapi-"));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

const options = {
  schemas: {
    users: [
      {
        id: "urn:acme:params:scim:schemas:extension:2.0:User",
        attributes: [{ name: "badge", type: "integer" as const }],
      },
    ],
  },
  mapping: {
    users: [
      { scim: "userName", app: "login" },
      { scim: "urn:acme:params:scim:schemas:extension:2.0:User:badge", app: "badge" },
    ],
  },
  openapi: { title: "Acme" },
};

describe("express-scim openapi", () => {
  test("without a config: the defaults' document, as JSON on standard output", async () => {
    const { code, out, err } = await cli("openapi");
    expect({ code, err }).toEqual({ code: 0, err: "" });
    const doc = JSON.parse(out);
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toBeUndefined();
    expect(Object.keys(doc.components.schemas.User.properties)).toContain(
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
    );
  });

  test("with a config (CommonJS or JSON) and --server: the very document the router serves", async () => {
    const js = write("scim-options.js", `module.exports = ${JSON.stringify({ ...options, store: null })};`);
    const json = write("scim-options.json", JSON.stringify(options));
    const h = host({ ...options, openapi: { title: "Acme" } });
    const served = await h.get("/openapi.json").expect(200);
    const server = served.body.servers[0].url;
    for (const file of [js, json]) {
      const { code, out } = await cli("openapi", "--config", file, "--server", `${server}/`);
      expect(code).toBe(0);
      expect(JSON.parse(out)).toEqual(served.body);
    }
    const out = path.join(dir, "openapi.json");
    expect((await cli("openapi", "--config", json, "--out", out)).out).toBe(`Wrote ${out}.\n`);
    expect(JSON.parse(fs.readFileSync(out, "utf8")).components.schemas.User.properties.userName).toBeDefined();
  });

  test("mistakes: a missing file, a misspelt option, a relative --server, a bad mapping", async () => {
    expect(await cli("openapi", "--config", path.join(dir, "nope.js"))).toMatchObject({
      code: 2,
      err: expect.stringContaining("no such file"),
    });
    const typo = write("typo.json", JSON.stringify({ mapings: {} }));
    expect(await cli("openapi", "--config", typo)).toMatchObject({
      code: 1,
      err: expect.stringContaining('unknown option "mapings"'),
    });
    expect(await cli("openapi", "--server", "/scim/v2")).toMatchObject({
      code: 2,
      err: expect.stringContaining("--server must be"),
    });
    const bad = write("bad.json", JSON.stringify({ mapping: { users: [{ scim: "nickName", app: "nick" }] } }));
    expect(await cli("openapi", "--config", bad)).toMatchObject({
      code: 1,
      err: expect.stringContaining('must map "userName"'),
    });
    expect((await cli("help", "openapi")).out).toContain("Usage: express-scim openapi [--config FILE]");
  });
});
