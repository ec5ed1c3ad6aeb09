/**
 * Versioned migrations: each database keeps the versions applied in `schema_version`, and
 * `migrate()` applies the missing ones in order, in one transaction. Nothing creates tables
 * at request time; a store whose schema is behind says so on first use.
 */
export interface Migration {
  version: number;
  description: string;
  statements: string[];
}

/** The highest version a list of migrations reaches. */
export const latestVersion = (migrations: readonly Migration[]) => Math.max(0, ...migrations.map((m) => m.version));

/** Thrown on first use by a store whose database has not been migrated (a 500, with this logged). */
export function schemaBehind(store: string, found: number, wanted: number): Error {
  return new Error(
    `${store}: the database schema is at version ${found}, this version of express-scim needs ${wanted}. ` +
      "Run migrate(store) (or create the store with { migrate: true }) before serving requests.",
  );
}
