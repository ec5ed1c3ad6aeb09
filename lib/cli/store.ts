/** Opens the SQL store the CLI works on; the drivers are loaded only for the one asked for. */
import type { TokenRegistry } from "../auth/registry";
import { option, type Invocation } from "./args";

export interface CliStore {
  tokens: TokenRegistry;
  migrate(): Promise<number>;
  close(): Promise<void>;
}

export async function openStore(
  args: Pick<Invocation, "values">,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliStore> {
  const sqlite = option(args, "sqlite");
  const url = option(args, "database-url") ?? (sqlite ? undefined : env.DATABASE_URL);
  if (url) {
    const { postgresStore } = await import("../stores/postgres");
    const schema = option(args, "schema");
    return postgresStore({ connectionString: url, ...(schema ? { schema } : {}) });
  }
  const file = sqlite ?? env.SCIM_SQLITE_FILE;
  if (file) {
    const { sqliteStore } = await import("../stores/sqlite");
    return sqliteStore({ filename: file });
  }
  throw new Error(
    "No store: pass --database-url postgres://... or --sqlite FILE (or set DATABASE_URL / SCIM_SQLITE_FILE).",
  );
}
