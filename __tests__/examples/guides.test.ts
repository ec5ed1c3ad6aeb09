/**
 * The guides' "Verify with curl" sections, run as written, one guide after another against the
 * example app: each starts from a clean state, and a failed request stops the script loudly
 * instead of feeding "undefined" to the next one.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { root, startExample } from "./start-example";

/** The ```sh blocks of a guide's section 4. */
function curlBlocks(guide: string): string[] {
  const text = fs.readFileSync(path.join(root, "docs", "guides", `${guide}.md`), "utf8");
  const section = /^## 4\..*?(?=^## |(?![\s\S]))/ms.exec(text)?.[0] ?? "";
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

const GUIDES = ["okta-saml", "okta-template-app", "entra"];

describe("the guides, followed in order", () => {
  test.each(GUIDES)("docs/guides/%s.md", async (guide) => {
    const [start, ...steps] = curlBlocks(guide);
    expect(steps.length).toBeGreaterThan(2);
    // The first block starts the app; its exports are the app's environment.
    const env = Object.fromEntries([...start!.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(env.SCIM_DATA_DIR).toBe(`/tmp/express-scim-${guide}-guide`);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `express-scim-${guide}-`));
    const app = await startExample("basic", { ...env, SCIM_DATA_DIR: dataDir, DATABASE_URL: "", SCIM_STORE: "" });
    try {
      const script = steps
        .join("\n")
        .replaceAll("http://localhost:3000", `http://127.0.0.1:${app.port}`)
        .replaceAll(env.SCIM_DATA_DIR!, dataDir);
      const run = spawnSync("bash", ["-e", "-o", "pipefail", "-c", script], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: "" },
      });
      const output = `${run.stdout}\n${run.stderr}`;
      expect({ status: run.status, output }).toEqual({
        status: 0,
        output: expect.not.stringMatching(/undefined|"status":\s*"(404|409|5\d\d)"/),
      });
    } finally {
      await app.stop();
    }
  });
});
