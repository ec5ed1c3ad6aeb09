/** The status panel's numbers, computed from entries (the memory log; the SQL log uses GROUP BY). */
import { statusClassOf, type RequestLogEntry, type RequestLogSummary } from "./types";

/** `entries` newest first. */
export function summarize(entries: readonly RequestLogEntry[], since: Date): RequestLogSummary {
  const counts = new Map<string, RequestLogSummary["counts"][number]>();
  const tokens = new Map<string, RequestLogSummary["tokens"][number]>();
  for (const e of entries) {
    if (e.at >= since) {
      const statusClass = statusClassOf(e.status);
      const key = `${e.idp}\u0000${statusClass}`;
      const row = counts.get(key) ?? { idp: e.idp, statusClass, count: 0 };
      row.count++;
      counts.set(key, row);
    }
    if (e.tokenId === undefined) continue;
    let token = tokens.get(e.tokenId);
    if (!token) {
      token = {
        tokenId: e.tokenId,
        lastUsed: e.at,
        ...(e.tokenLabel !== undefined ? { tokenLabel: e.tokenLabel } : {}),
      };
      tokens.set(e.tokenId, token);
    }
    if (token.lastSuccess === undefined && statusClassOf(e.status) === 2) token.lastSuccess = e.at;
  }
  return { counts: [...counts.values()], tokens: [...tokens.values()] };
}
