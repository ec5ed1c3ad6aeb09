/** One record per request that reached a resource endpoint: who did what, and how it ended. */

export interface AuditRecord {
  at: Date;
  tenant: string;
  /** The token's label (or your auth's), never the secret. */
  actor: string | undefined;
  method: string;
  /** "Users" or "Groups", plus the id when the request named one; "/" for a search from the service root. */
  resource: string;
  id?: string;
  status: number;
  outcome: "success" | "failure";
  /** Attribute names a write changed; never values. */
  changed?: string[];
  /** Member ids added and removed, for group writes. */
  membersAdded?: number;
  membersRemoved?: number;
  /** Unknown member ids dropped under `unknownMembers: "skip"`. */
  membersSkipped?: number;
  durationMs: number;
}

/** Where the router writes one record per request to /Users or /Groups (the SQL stores ship one). */
export interface AuditLog {
  /** Keeps one record; a failure is logged and never fails the request. */
  append(record: AuditRecord): Promise<void> | void;
  /** Newest first, 1-based paging like SCIM lists. */
  list(query: {
    tenant?: string;
    startIndex?: number;
    count?: number;
  }): Promise<{ total: number; items: AuditRecord[] }>;
}
