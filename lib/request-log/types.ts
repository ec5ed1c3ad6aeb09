/**
 * The request log: one entry per SCIM request, for the console's "what did the IdP send, and
 * what did we answer?". Bodies are kept only for failures and a sample of successes, and are
 * redacted before they are stored (redact.ts): nothing secret reaches a log.
 */

export interface RequestLogEntry {
  /** Opaque, unique; the console links to it. */
  id: string;
  at: Date;
  /** Absent when the request was refused before a tenant was known (401). */
  tenant?: string;
  /** The token's id and label (never the secret); absent for 401s. */
  tokenId?: string;
  tokenLabel?: string;
  /** "Okta", "Entra", ... from the token label or the user agent; "other" when neither says. */
  idp: string;
  method: string;
  /** Below the SCIM mount point, without the query (filters carry e-mail addresses). */
  path: string;
  status: number;
  durationMs: number;
  /** The resource the request named or created. */
  resourceType?: "Users" | "Groups";
  resourceId?: string;
  /** Redacted JSON text, cut at the recorder's `maxBodyBytes`. */
  requestBody?: string;
  responseBody?: string;
}

/** 2 for 2xx, 4 for 4xx, ... */
export type StatusClass = 2 | 3 | 4 | 5;

/** Which entries a log page shows: filters and a page (newest first). */
export interface RequestLogQuery {
  tenant?: string;
  statusClass?: StatusClass;
  tokenId?: string;
  resourceId?: string;
  /** 1-based, newest first, as SCIM lists page. */
  startIndex?: number;
  count?: number;
}

/** Counts over a time window, for the console's status panel. */
export interface RequestLogSummary {
  /** Requests since `since`, by IdP and status class. */
  counts: { idp: string; statusClass: StatusClass; count: number }[];
  /** Per token: its last request and its last successful (2xx) one, over the whole log. */
  tokens: { tokenId: string; tokenLabel?: string; lastUsed: Date; lastSuccess?: Date }[];
}

/** Where request log entries are kept: a memory ring, or a SQL store's table. */
export interface RequestLog {
  /** Keeps one entry (already redacted). */
  append(entry: RequestLogEntry): void | Promise<void>;
  /** One page of entries matching `query`, newest first, and how many match. */
  list(query: RequestLogQuery): Promise<{ total: number; items: RequestLogEntry[] }>;
  /** One entry by id, or null. */
  get(id: string): Promise<RequestLogEntry | null>;
  /** Counts of the entries since `since`. */
  summary(since: Date): Promise<RequestLogSummary>;
  /** Writes whatever is buffered (the SQL log batches its inserts). Reads flush first. */
  flush?(): Promise<void>;
  /** Deletes entries older than `before`; returns how many. Logs that hold a fixed number need not. */
  prune?(before: Date): Promise<number>;
}

export const statusClassOf = (status: number) => Math.floor(status / 100) as StatusClass;

export function isRequestLog(value: unknown): value is RequestLog {
  const log = value as RequestLog | undefined;
  return (
    !!log &&
    typeof log === "object" &&
    typeof log.append === "function" &&
    typeof log.list === "function" &&
    typeof log.get === "function" &&
    typeof log.summary === "function"
  );
}

/** A log that writes in batches and deletes by age (the SQL stores'). */
export type DurableRequestLog = RequestLog & {
  /** Writes whatever is buffered. */
  flush(): Promise<void>;
  /** Deletes entries older than `before`; answers how many. */
  prune(before: Date): Promise<number>;
};
