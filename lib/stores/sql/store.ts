/** What the shipped SQL stores offer beyond the Store contract. */
import type { AuditLog } from "../../audit/types";
import type { TokenRegistry } from "../../auth/registry";
import type { DurableRequestLog } from "../../request-log/types";
import type { Store } from "../types";

/** What the SQL stores add to Store: tokens, an audit log, migrations and close(). */
export interface SqlStore extends Store {
  /** An audit trail in this database, shared by every app instance: `scim({ audit: store.audit })`. */
  audit: AuditLog;
  /** Every SCIM request, for the console: `scim({ requestLog: { log: store.requestLog } })`. */
  requestLog: DurableRequestLog;
  /** Issued tokens, kept as hashes in this database: pass it as `scim({ tokens: [store.tokens] })`. */
  tokens: TokenRegistry;
  /** Applies pending migrations; returns the schema version reached. */
  migrate(): Promise<number>;
  /** The schema version in the database (0 before the first migration). */
  schemaVersion(): Promise<number>;
  /** Releases the connection(s) the store opened itself. */
  close(): Promise<void>;
}
