/** Runs the CLI's main() in process, as `npx express-scim ...` would, capturing what it prints. */
import { main } from "../../lib/cli";

export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(
    argv,
    (t) => {
      out += t;
    },
    (t) => {
      err += t;
    },
  );
  return { code, out, err };
}
