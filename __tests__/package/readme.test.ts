/** The README's quickstart, run as written against the build, answering the README's curl. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.join(__dirname, "..", "..");

test("the quickstart snippet runs and serves the curl it shows", () => {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Quickstart"));
  const snippet = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  expect(snippet).toContain("app.listen(3000);");
  const curlUrl = /curl .*"(http[^"]+)"/.exec(section)?.[1];
  expect(curlUrl).toBeDefined();
  // The same program, on a free port, asking what the README's curl asks.
  const program = snippet!.replace(
    "app.listen(3000);",
    `const server = app.listen(0, async () => {
       const url = ${JSON.stringify(curlUrl)}.replace("localhost:3000", "127.0.0.1:" + server.address().port);
       const res = await fetch(url, { headers: { Authorization: "Bearer " + process.env.SCIM_TOKEN } });
       const body = await res.json();
       process.stdout.write(res.status + " " + body.totalResults);
       server.close();
     });`,
  );
  const out = execFileSync(process.execPath, ["-e", program], {
    cwd: root,
    env: { ...process.env, SCIM_TOKEN: "readme-token-0123456789" },
    encoding: "utf8",
  });
  expect(out).toBe("200 0");
});
