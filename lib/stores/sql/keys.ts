/** The unique keys the SQL schema enforces (unique indexes on the extracted, folded columns). */
import type { UniqueKey } from "../types";
import type { Kind } from "./compile";

export const SUPPORTED_KEYS: Record<Kind, string> = { users: "userName", groups: "displayName" };

/** Refuses, at startup, a configured unique key the schema cannot enforce. */
export function checkKeys(name: string, config: { users: UniqueKey[]; groups: UniqueKey[] }): void {
  for (const kind of ["users", "groups"] as const) {
    for (const key of config[kind]) {
      const ok = key.path.length === 1 && key.path[0] === SUPPORTED_KEYS[kind] && !key.caseExact;
      if (!ok) {
        throw new TypeError(
          `${name}: cannot enforce the unique key ${key.path.join(".")}${key.caseExact ? " (caseExact)" : ""} on ${kind}; ` +
            `its schema enforces ${SUPPORTED_KEYS[kind]} (case-insensitive) only.`,
        );
      }
    }
  }
}
