/**
 * The store contract over SQL, shared by the PostgreSQL and SQLite stores. Correctness under
 * concurrency comes from the database, never from this process:
 *  - unique keys are unique indexes; a clash is ScimError 409 `uniqueness`;
 *  - `ifVersion` is part of the UPDATE/DELETE's WHERE clause, so the check and the write are one step;
 *  - member changes first bump the group's version (which locks its row, serialising changes to
 *    one group across processes), then insert or delete membership rows; member lists are never
 *    read, modified and written back;
 *  - locks are taken in one order everywhere: groups (several at once in id order), then the
 *    users or groups they hold (FOR KEY SHARE when adding them, the row itself when deleting);
 *    what is left to deadlock or serialization failures is retried (./retry.ts);
 *  - every multi-statement operation runs in a transaction (a savepoint inside a caller's).
 *
 * The operations live beside this file: records.ts (one row), query.ts (list pages),
 * member-reads.ts and member-writes.ts (memberships), facade.ts (the Store over a Runner).
 */
import type { Store } from "../types";
import { INDEXED_SORTS } from "./compile";
import type { Driver, Runner } from "./driver";
import { facade } from "./facade";
import { SUPPORTED_KEYS, checkKeys } from "./keys";
import { tenantSize } from "./counts";

/** `extend` adds a database's own parts (the outbox) to the store and to each transaction's store. */
export function sqlStore(driver: Driver, name: string, extend?: (store: Store, run: Runner) => void): Store {
  const store = facade(driver.dialect, driver.outside);
  extend?.(store, driver.outside);
  store.configure = (config) => checkKeys(name, config);
  store.costs = {
    keyset: true,
    // The unique indexes are on the folded columns; externalId's index is on the value as written;
    // emails.value's (users) on folded values; members.value's (groups) on ids, their own folded form.
    indexed: (kind) => [
      { path: [SUPPORTED_KEYS[kind]], caseExact: false, prefix: true },
      { path: ["externalId"], caseExact: true, prefix: true },
      ...(kind === "users"
        ? [
            { path: ["emails", "value"], caseExact: false },
            { path: ["meta", "lastModified"], range: true },
          ]
        : [{ path: ["members", "value"] }]),
    ],
    sorted: (kind) => INDEXED_SORTS[kind],
    size: (ctx, kind) => driver.outside.read((c) => tenantSize(driver.dialect, c, kind, ctx.tenant)),
  };
  store.transaction = (fn) =>
    driver.transaction((inside) => {
      const scoped = facade(driver.dialect, inside);
      scoped.transaction = (inner) => inner(scoped);
      extend?.(scoped, inside);
      return fn(scoped);
    });
  return store;
}
