/** The README as a registry page shows it: its quickstart runs as written, its links work. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { packedFiles, root } from "./pack";
import { quickstart, readme } from "./readme-snippet";

test("the quickstart snippet runs and serves the curl it shows", () => {
  const { code, curlUrl } = quickstart();
  expect(code).toContain("app.listen(3000);");
  expect(curlUrl).toBeDefined();
  // The same program, on a free port, asking what the README's curl asks.
  const program = code.replace(
    "app.listen(3000);",
    `const server = app.listen(0, async () => {
       const url = ${JSON.stringify(curlUrl)}.replace("localhost:3000", "127.0.0.1:" + server.address().port);
       const res = await fetch(url, { headers: { Authorization: "Bearer " + process.env.SCIM_TOKEN } });
       const body = await res.json();
       process.stdout.write(res.status + " " + body.totalResults);
       server.close();
     });`,
  );
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", program], {
    cwd: root,
    env: { ...process.env, SCIM_TOKEN: "readme-token-0123456789" },
    encoding: "utf8",
  });
  expect(out).toBe("200 0");
});

test("every link in the README works on a registry page: it is absolute, or its target ships", () => {
  const text = readme();
  const repo = "https://github.com/express-scim/express-scim/";
  const shipped = new Set(packedFiles());
  const slugs = new Set(
    // A match's (.+) group always holds text.
    [...text.matchAll(/^#+ (.+)$/gm)].map(([, title]) =>
      title!
        .toLowerCase()
        .replace(/[^\w\- ]/g, "")
        .replace(/ /g, "-"),
    ),
  );
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target]) => target!);
  expect(links.length).toBeGreaterThan(10);
  const broken = links.filter((link) => {
    if (link.startsWith("#")) return !slugs.has(link.slice(1));
    // Links into the repository name a file that exists in it.
    if (link.startsWith(repo)) {
      const file = /^(?:blob|tree)\/main\/([^#]+)/.exec(link.slice(repo.length))?.[1];
      return file !== undefined && !fs.existsSync(path.join(root, file));
    }
    if (/^https?:\/\//.test(link)) return false;
    return !shipped.has(path.posix.normalize(link.split("#", 1).join("")));
  });
  expect(broken).toEqual([]);
}, 60000);
