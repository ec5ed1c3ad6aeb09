/** The README's quickstart, as a reader copies it. */
import fs from "node:fs";
import path from "node:path";
import { root } from "./pack";

export function readme(): string {
  return fs.readFileSync(path.join(root, "README.md"), "utf8");
}

/** The first code block under "## Quickstart", and the curl URL shown after it. */
export function quickstart(): { code: string; curlUrl: string | undefined } {
  const section = readme().slice(readme().indexOf("## Quickstart"));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README.md: no ```js block under "## Quickstart"');
  return { code, curlUrl: /curl .*"(http[^"]+)"/.exec(section)?.[1] };
}
