#!/usr/bin/env node
/**
 * `npx express-scim`: token management and migrations against the configured SQL store, the
 * OpenAPI document of a configuration, and `check`, which replays identity providers' requests
 * against any SCIM server.
 * The store is PostgreSQL when a database URL is given, SQLite when a file is. Every input is
 * checked before anything is written.
 */
import fs from "node:fs";
import path from "node:path";
import { tokenManager, tokenState } from "../auth/manager";
import { SCOPE_PRESETS } from "../auth/presets";
import { isScope, type Scope } from "../auth/scopes";
import { check } from "./check/command";
import { option, parseArgs, usage, UsageError, type Invocation } from "./args";
import { printOpenApi } from "./openapi";
import { openStore, type CliStore } from "./store";

type Out = (text: string) => void;

function scopesOf(invocation: Invocation): Scope[] {
  const preset = option(invocation, "preset");
  if (preset !== undefined) {
    if (!Object.hasOwn(SCOPE_PRESETS, preset))
      throw new UsageError(`Unknown preset "${preset}"; use one of ${Object.keys(SCOPE_PRESETS).join(", ")}.`);
    return [...(SCOPE_PRESETS as Record<string, readonly Scope[]>)[preset]!];
  }
  const list = (option(invocation, "scopes") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((s) => !isScope(s));
  if (list.length === 0 || bad.length > 0) {
    throw new UsageError(
      `--scopes (or --preset) must list scopes like get:users,post:users${bad.length ? `; unknown: ${bad.join(", ")}` : ""}.`,
    );
  }
  return list as Scope[];
}

const date = (d?: Date) => (d ? d.toISOString() : "-");

async function token(store: CliStore, invocation: Invocation, out: Out): Promise<void> {
  const manager = tokenManager(store.tokens);
  const [id] = invocation.positionals;
  const expires = option(invocation, "expires");
  switch (invocation.command) {
    case "token create": {
      const tenant = option(invocation, "tenant");
      const label = option(invocation, "label");
      const profile = option(invocation, "profile");
      const issued = await manager.createToken({
        scopes: scopesOf(invocation),
        ...(expires !== undefined ? { expiresIn: expires } : {}),
        ...(tenant !== undefined ? { tenant } : {}),
        ...(label !== undefined ? { label } : {}),
        ...(profile !== undefined ? { profile } : {}),
      });
      out(`Token (shown once, store it now): ${issued.token}\n`);
      out(`id ${issued.record.id}  tenant ${issued.record.tenant}  expires ${date(issued.record.expiresAt)}\n`);
      return;
    }
    case "token list": {
      const tokens = await manager.listTokens(option(invocation, "tenant"));
      if (invocation.values.json) return out(`${JSON.stringify(tokens, null, 2)}\n`);
      for (const t of tokens) {
        const state = tokenState(t, new Date());
        out(
          `${t.id}  ${state}  ${t.tenant}  ${t.hint}...  ${t.label ?? "-"}  ${t.scopes.join(",")}  expires ${date(t.expiresAt)}${t.profile ? `  profile ${t.profile}` : ""}\n`,
        );
      }
      if (tokens.length === 0) out("No tokens.\n");
      return;
    }
    case "token revoke": {
      if (!(await manager.revokeToken(id!))) throw new Error(`No token with id ${id}.`);
      out(`Revoked ${id}.\n`);
      return;
    }
    case "token rotate": {
      const grace = option(invocation, "grace");
      const issued = await manager.rotateToken(id!, {
        ...(grace !== undefined ? { grace } : {}),
        ...(expires !== undefined ? { expiresIn: expires } : {}),
        again: invocation.values.again === true,
      });
      out(`New token (shown once, store it now): ${issued.token}\n`);
      out(
        `id ${issued.record.id}  expires ${date(issued.record.expiresAt)}; the old token keeps working for ${grace ?? "1h"}.\n`,
      );
      return;
    }
  }
}

/** The package's version, read from the package.json above this file (source or dist). */
function version(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file))
      return String((JSON.parse(fs.readFileSync(file, "utf8")) as { version?: unknown }).version);
  }
  return "unknown";
}

/** The library's own messages name it already; the CLI adds the prefix once. */
const withPrefix = (message: string) => `express-scim: ${message.replace(/^(express-scim: )+/, "")}`;

/**
 * Runs one command and returns the exit code (0 done, 1 failed, 2 bad command line); output goes
 * through `out` and `err` (tests capture them).
 */
export async function main(argv: readonly string[], out: Out, err: Out): Promise<number> {
  let store: CliStore | undefined;
  try {
    const parsed = parseArgs(argv);
    if (parsed.kind === "version") {
      out(`${version()}\n`);
      return 0;
    }
    if (parsed.kind === "help") {
      out(usage(parsed.topic));
      return 0;
    }
    const { invocation } = parsed;
    if (invocation.command === "check") return await check(invocation, out);
    // Flags are checked before a store is opened, so a bad one never leaves a half-done write.
    if (invocation.command === "token create") scopesOf(invocation);
    if (invocation.command === "openapi") {
      printOpenApi(invocation, out);
      return 0;
    }
    store = await openStore(invocation);
    if (invocation.command === "migrate") out(`Schema at version ${await store.migrate()}.\n`);
    else await token(store, invocation, out);
    return 0;
  } catch (error) {
    const message = (error as Error).message;
    if (error instanceof UsageError) {
      err(`${withPrefix(message)}\nRun "express-scim help" for the commands and their options.\n`);
      return 2;
    }
    // The stores' own message names the library call; from a shell the command is the answer.
    const hint = /migrate\(/.test(message) ? "\nRun `express-scim migrate` with the same store options first." : "";
    err(`${withPrefix(message)}${hint}\n`);
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
