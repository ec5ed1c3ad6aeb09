/** A small argv reader: positional words, `--name value` and `--name=value`, `--flag`. */
export interface Args {
  positional: string[];
  options: Map<string, string | true>;
}

const FLAGS = new Set(["json", "help"]);

export function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (eq !== -1) options.set(name, arg.slice(eq + 1));
    else if (FLAGS.has(name)) options.set(name, true);
    else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new Error(`--${name} needs a value.`);
      options.set(name, value);
      i++;
    }
  }
  return { positional, options };
}

export function option(args: Args, name: string): string | undefined {
  const v = args.options.get(name);
  return typeof v === "string" ? v : undefined;
}
