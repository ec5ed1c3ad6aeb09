#!/usr/bin/env node
/**
 * `npx express-scim`: token management and migrations against the configured SQL store.
 * The store is PostgreSQL when a database URL is given, SQLite when a file is.
 */
import { tokenManager } from "../auth/manager";
import { SCOPE_PRESETS } from "../auth/presets";
import { isScope, type Scope } from "../auth/scopes";
import { option, parseArgs, type Args } from "./args";
import { openStore, type CliStore } from "./store";

const USAGE = `Usage: express-scim <command> [options]

Commands:
  token create --scopes get:users,post:users | --preset entra|oktaSaml|oktaTemplate
               [--expires 90d] [--tenant NAME] [--label TEXT]
  token list [--tenant NAME] [--json]
  token revoke ID
  token rotate ID [--grace 1h] [--expires 90d]
  migrate

Store (one of):
  --database-url URL   PostgreSQL (default: $DATABASE_URL)   [--schema NAME, default "scim"]
  --sqlite FILE        SQLite (default: $SCIM_SQLITE_FILE)
`;

type Out = (text: string) => void;

function scopesOf(args: Args): Scope[] {
  const preset = option(args, "preset");
  if (preset !== undefined) {
    const scopes = (SCOPE_PRESETS as Record<string, readonly Scope[]>)[preset];
    if (!scopes) throw new Error(`Unknown preset "${preset}"; use one of ${Object.keys(SCOPE_PRESETS).join(", ")}.`);
    return [...scopes];
  }
  const list = (option(args, "scopes") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((s) => !isScope(s));
  if (list.length === 0 || bad.length > 0) {
    throw new Error(`--scopes must list scopes like get:users,post:users${bad.length ? `; unknown: ${bad.join(", ")}` : ""}.`);
  }
  return list as Scope[];
}

const date = (d?: Date) => (d ? d.toISOString() : "-");

async function token(store: CliStore, args: Args, out: Out): Promise<void> {
  const manager = tokenManager(store.tokens);
  const [, action, id] = args.positional;
  const expires = option(args, "expires");
  switch (action) {
    case "create": {
      const tenant = option(args, "tenant");
      const label = option(args, "label");
      const issued = await manager.createToken({
        scopes: scopesOf(args),
        ...(expires !== undefined ? { expiresIn: expires } : {}),
        ...(tenant !== undefined ? { tenant } : {}),
        ...(label !== undefined ? { label } : {}),
      });
      out(`Token (shown once, store it now): ${issued.token}\n`);
      out(`id ${issued.record.id}  tenant ${issued.record.tenant}  expires ${date(issued.record.expiresAt)}\n`);
      return;
    }
    case "list": {
      const tokens = await manager.listTokens(option(args, "tenant"));
      if (args.options.has("json")) return out(`${JSON.stringify(tokens, null, 2)}\n`);
      for (const t of tokens) {
        const state = t.revokedAt ? "revoked" : t.expiresAt && t.expiresAt <= new Date() ? "expired" : "active";
        out(`${t.id}  ${state}  ${t.tenant}  ${t.hint}...  ${t.label ?? "-"}  ${t.scopes.join(",")}  expires ${date(t.expiresAt)}\n`);
      }
      if (tokens.length === 0) out("No tokens.\n");
      return;
    }
    case "revoke": {
      if (!id) throw new Error("token revoke needs the token's id (see token list).");
      if (!(await manager.revokeToken(id))) throw new Error(`No token with id ${id}.`);
      out(`Revoked ${id}.\n`);
      return;
    }
    case "rotate": {
      if (!id) throw new Error("token rotate needs the token's id (see token list).");
      const grace = option(args, "grace");
      const issued = await manager.rotateToken(id, { ...(grace ? { grace } : {}), ...(expires ? { expiresIn: expires } : {}) });
      out(`New token (shown once, store it now): ${issued.token}\n`);
      out(`id ${issued.record.id}; the old token keeps working for ${grace ?? "1h"}.\n`);
      return;
    }
    default:
      throw new Error(`Unknown token command "${action ?? ""}".\n${USAGE}`);
  }
}

/** Runs one command and returns the exit code; output goes through `out` and `err` (tests capture them). */
export async function main(argv: readonly string[], out: Out, err: Out): Promise<number> {
  let store: CliStore | undefined;
  try {
    const args = parseArgs(argv);
    const command = args.positional[0];
    if (!command || args.options.has("help")) {
      out(USAGE);
      return command ? 0 : 2;
    }
    if (command !== "token" && command !== "migrate") throw new Error(`Unknown command "${command}".\n${USAGE}`);
    store = await openStore(args);
    if (command === "migrate") out(`Schema at version ${await store.migrate()}.\n`);
    else await token(store, args, out);
    return 0;
  } catch (error) {
    const message = (error as Error).message;
    // The stores' own message names the library call; from a shell the command is the answer.
    const hint = /migrate\(/.test(message) ? "\nRun `express-scim migrate` with the same store options first." : "";
    err(`express-scim: ${message}${hint}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}

if (require.main === module) {
  void main(
    process.argv.slice(2),
    (t) => process.stdout.write(t),
    (t) => process.stderr.write(t),
  ).then((code) => {
    process.exitCode = code;
  });
}
