/**
 * The CLI's grammar: each command declares its flags, and anything else is an error. A typo
 * (`--expire 90d`) must never quietly issue a token that lives for ever.
 */
import { parseArgs as parseArgv } from "node:util";
import { PROFILE_NAMES } from "../profiles";

type Flag = { type: "string" | "boolean"; short?: string; help: string };
type Flags = Record<string, Flag>;

/** Where the CLI finds its store; every command that touches a store takes these. */
const STORE_FLAGS: Flags = {
  "database-url": { type: "string", help: "PostgreSQL URL (default: $DATABASE_URL)" },
  schema: { type: "string", help: 'PostgreSQL schema (default "scim")' },
  sqlite: { type: "string", help: "SQLite file (default: $SCIM_SQLITE_FILE)" },
};

export interface Command {
  /** What `help` prints after the command's name. */
  synopsis: string;
  summary: string;
  flags: Flags;
  /** Number of positional words after the command's name. */
  positionals: readonly string[];
  /** Pairs of flags that contradict each other. */
  conflicts?: readonly (readonly [string, string])[];
}

export const COMMANDS = {
  "token create": {
    synopsis:
      "(--scopes get:users,post:users | --preset NAME) [--expires 90d] [--tenant NAME] [--label TEXT] [--profile NAME]",
    summary: "Issue a token; its secret is printed once.",
    flags: {
      scopes: { type: "string", help: "comma-separated scopes, e.g. get:users,post:users" },
      preset: { type: "string", help: "the scopes one IdP needs: entra, oktaSaml or oktaTemplate" },
      expires: { type: "string", help: "lifetime, e.g. 90d, 12h (at least 15m); omitted: never expires" },
      tenant: { type: "string", help: 'tenant the token is bound to (default "default")' },
      label: { type: "string", help: "a name to recognise the token by" },
      profile: {
        type: "string",
        help: `the client it is for; its requests are read with that client profile (docs/clients.md): ${PROFILE_NAMES.join(", ")}`,
      },
      ...STORE_FLAGS,
    },
    positionals: [],
    conflicts: [["scopes", "preset"]],
  },
  "token list": {
    synopsis: "[--tenant NAME] [--json]",
    summary: "List tokens (never their secrets).",
    flags: {
      tenant: { type: "string", help: "only this tenant's tokens" },
      json: { type: "boolean", help: "print JSON" },
      ...STORE_FLAGS,
    },
    positionals: [],
  },
  "token revoke": {
    synopsis: "ID",
    summary: "Revoke a token at once.",
    flags: { ...STORE_FLAGS },
    positionals: ["ID"],
  },
  "token rotate": {
    synopsis: "ID [--grace 1h] [--expires 90d] [--again]",
    summary: "Issue a successor with the same scopes; the old token lives on for the grace period.",
    flags: {
      grace: { type: "string", help: "how long the old token keeps working (default 1h)" },
      expires: { type: "string", help: "lifetime of the new token; omitted: never expires" },
      again: { type: "boolean", help: "rotate a token that was already rotated" },
      ...STORE_FLAGS,
    },
    positionals: ["ID"],
  },
  check: {
    synopsis: "URL [--token TOKEN] [--profile okta|entra] [--timeout 30s] [--insecure]",
    summary: "Replay Okta's and Entra's recorded requests against a SCIM server, then remove what was created.",
    flags: {
      token: { type: "string", help: "bearer token the server accepts (default: $SCIM_TOKEN)" },
      profile: { type: "string", help: "okta or entra (default: both)" },
      timeout: { type: "string", help: "per request, e.g. 30s (default 30s)" },
      insecure: { type: "boolean", help: "allow plain http to a host other than this machine" },
    },
    positionals: ["URL"],
  },
  openapi: {
    synopsis: "[--config FILE] [--server URL] [--out FILE]",
    summary: "Print the OpenAPI 3.1 document of the router your options describe.",
    flags: {
      config: { type: "string", help: "a .js or .json file exporting scim()'s options (schemas, mapping, ...)" },
      server: { type: "string", help: "the mount point's absolute URL, e.g. https://app.example.com/scim/v2" },
      out: { type: "string", help: "write to this file instead of standard output" },
    },
    positionals: [],
  },
  migrate: {
    synopsis: "",
    summary: "Create or upgrade the store's tables.",
    flags: { ...STORE_FLAGS },
    positionals: [],
  },
} satisfies Record<string, Command>;

export type CommandName = keyof typeof COMMANDS;

/** A parsed command line, checked against its command's grammar. */
export interface Invocation {
  command: CommandName;
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

/** What the user asked for: a command to run, help, or the version. */
export type Parsed =
  | { kind: "run"; invocation: Invocation }
  | { kind: "help"; topic?: CommandName }
  | { kind: "version" };

/** A mistake in the command line: the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {}

const isCommand = (name: string): name is CommandName => Object.hasOwn(COMMANDS, name);

/** The command a list of words names, and the words after it (`token create x` -> "token create", ["x"]). */
function commandOf(words: readonly string[]): { command?: CommandName; rest: string[] } {
  for (const take of [2, 1]) {
    const name = words.slice(0, take).join(" ");
    if (words.length >= take && isCommand(name)) return { command: name, rest: words.slice(take) };
  }
  return { rest: [...words] };
}

export function parseArgs(argv: readonly string[]): Parsed {
  const first = argv[0];
  if (first === undefined || first === "--help" || first === "-h") return { kind: "help" };
  if (first === "--version" || first === "-v") return { kind: "version" };
  if (first === "help") {
    const { command, rest } = commandOf(argv.slice(1));
    if (argv.length > 1 && (!command || rest.length > 0))
      throw new UsageError(`No command "${argv.slice(1).join(" ")}".`);
    return command ? { kind: "help", topic: command } : { kind: "help" };
  }
  const firstFlag = argv.findIndex((a) => a.startsWith("-"));
  const words = firstFlag === -1 ? argv : argv.slice(0, firstFlag);
  const { command } = commandOf(words);
  if (!command) throw new UsageError(`Unknown command "${words.join(" ") || first}".`);
  const spec: Command = COMMANDS[command];
  const options = Object.fromEntries(
    Object.entries(spec.flags).map(([name, f]) => [name, { type: f.type, ...(f.short ? { short: f.short } : {}) }]),
  );
  let parsed: ReturnType<typeof parseArgv>;
  try {
    parsed = parseArgv({
      args: [...argv],
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // node:util's messages name the flag; the hint says where to look.
    throw new UsageError(
      `${(error as Error).message.replace(/\. To specify a positional argument.*$/s, ".")} See "express-scim help ${command}".`,
    );
  }
  if (parsed.values.help) return { kind: "help", topic: command };
  const positionals = parsed.positionals.slice(command.split(" ").length);
  if (positionals.length !== spec.positionals.length) {
    const wanted = spec.positionals.length ? spec.positionals.join(" ") : "no arguments";
    throw new UsageError(`${command} takes ${wanted}${positionals.length ? `, not "${positionals.join(" ")}"` : ""}.`);
  }
  for (const [a, b] of spec.conflicts ?? []) {
    if (parsed.values[a] !== undefined && parsed.values[b] !== undefined)
      throw new UsageError(`--${a} and --${b} cannot be used together.`);
  }
  for (const [name, value] of Object.entries(parsed.values)) {
    if (value === "") throw new UsageError(`--${name} needs a value.`);
  }
  return { kind: "run", invocation: { command, positionals, values: parsed.values as Invocation["values"] } };
}

/** A string flag's value. */
export function option(invocation: Pick<Invocation, "values">, name: string): string | undefined {
  const v = invocation.values[name];
  return typeof v === "string" ? v : undefined;
}

/** The usage text: every command, or one command with its flags. */
export function usage(topic?: CommandName): string {
  if (topic) {
    const spec: Command = COMMANDS[topic];
    const flags = Object.entries(spec.flags).map(
      ([name, f]) => `  --${name}${f.type === "string" ? " VALUE" : ""}`.padEnd(26) + f.help,
    );
    return (
      `Usage: express-scim ${topic} ${spec.synopsis}`.trimEnd() +
      `\n\n${spec.summary}\n\nOptions:\n${flags.join("\n")}\n  --help, -h              this text\n`
    );
  }
  const lines = (Object.entries(COMMANDS) as [CommandName, Command][]).map(
    ([name, spec]) => `  ${name.padEnd(14)}${spec.summary}`,
  );
  return (
    `Usage: express-scim <command> [options]\n\nCommands:\n${lines.join("\n")}\n\n` +
    `Store (one of, for token and migrate): --database-url URL (PostgreSQL) or --sqlite FILE\n` +
    `More: express-scim help <command>, express-scim --version\n`
  );
}
