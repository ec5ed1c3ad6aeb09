/** The request log, one request in full, and one resource with its history. */
import type { AuditRecord } from "../audit/types";
import type { RequestLogEntry, RequestLogQuery, StatusClass } from "../request-log/types";
import { statusClassOf } from "../request-log/types";
import { html, time, type Html } from "./html";

export const PAGE_SIZE = 50;
const CLASSES: readonly StatusClass[] = [2, 3, 4, 5];

/** The filters from the query string; anything unreadable is ignored, never an error. */
export function logQuery(query: Record<string, unknown>): RequestLogQuery {
  const text = (name: string) => {
    const v = query[name];
    return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
  };
  const cls = Number(text("status")?.charAt(0));
  const start = Number(text("startIndex"));
  const out: RequestLogQuery = { startIndex: Number.isInteger(start) && start > 0 ? start : 1, count: PAGE_SIZE };
  if ((CLASSES as readonly number[]).includes(cls)) out.statusClass = cls as StatusClass;
  for (const key of ["tenant", "tokenId", "resourceId"] as const) {
    const v = text(key);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

const rows = (base: string, items: readonly RequestLogEntry[]) =>
  items.map(
    (e) => html`<tr>
<td><a href="${base}/requests/${e.id}">${time(e.at)}</a></td><td>${e.tenant ?? "-"}</td><td>${e.tokenLabel ?? "-"}</td><td>${e.idp}</td>
<td>${e.method}</td><td>${e.path}</td><td class="status-${statusClassOf(e.status)}">${e.status}</td><td>${Math.round(e.durationMs)} ms</td></tr>`,
  );

export function requestTable(base: string, caption: string, items: readonly RequestLogEntry[]): Html {
  return html`<table><caption>${caption}</caption><thead><tr><th scope="col">Time</th><th scope="col">Tenant</th><th scope="col">Token</th>
<th scope="col">IdP</th><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Status</th><th scope="col">Duration</th></tr></thead>
<tbody>${items.length ? rows(base, items) : html`<tr><td colspan="8" class="muted">No requests.</td></tr>`}</tbody></table>`;
}

export function requestsPage(
  base: string,
  query: RequestLogQuery,
  result: { total: number; items: RequestLogEntry[] },
): Html {
  const link = (startIndex: number) => {
    const params = new URLSearchParams();
    if (query.tenant) params.set("tenant", query.tenant);
    if (query.statusClass) params.set("status", `${query.statusClass}xx`);
    if (query.tokenId) params.set("tokenId", query.tokenId);
    if (query.resourceId) params.set("resourceId", query.resourceId);
    params.set("startIndex", String(startIndex));
    return `${base}/requests?${params}`;
  };
  const start = query.startIndex ?? 1;
  const options = CLASSES.map(
    (c) => html`<option value="${c}xx"${query.statusClass === c ? html` selected` : ""}>${c}xx</option>`,
  );
  const field = (name: string, label: string, value: string | undefined) =>
    html`<label>${label} <input name="${name}" value="${value ?? ""}"></label>`;
  return html`<form method="get" action="${base}/requests" role="search"><fieldset><legend>Filter</legend>
${field("tenant", "Tenant", query.tenant)}
<label>Status <select name="status"><option value="">any</option>${options}</select></label>
${field("tokenId", "Token id", query.tokenId)}
${field("resourceId", "Resource id", query.resourceId)}
<button type="submit">Filter</button></fieldset></form>
${requestTable(base, `${result.total} requests, newest first`, result.items)}
<nav aria-label="Pages"><p>
${start > 1 ? html`<a href="${link(Math.max(1, start - PAGE_SIZE))}" rel="prev">Newer</a>` : ""}
${start + PAGE_SIZE <= result.total ? html`<a href="${link(start + PAGE_SIZE)}" rel="next">Older</a>` : ""}
</p></nav>`;
}

export function requestPage(base: string, e: RequestLogEntry): Html {
  const resource =
    e.resourceType && e.resourceId !== undefined && e.tenant !== undefined
      ? html`<a href="${base}/resources/${e.resourceType}/${encodeURIComponent(e.resourceId)}?tenant=${encodeURIComponent(e.tenant)}">${e.resourceType}/${e.resourceId}: current state and history</a>`
      : "-";
  const body = (title: string, text: string | undefined) =>
    html`<h2>${title}</h2>${text === undefined ? html`<p class="muted">Not kept (bodies are kept for failures and sampled successes).</p>` : html`<pre>${text}</pre>`}`;
  return html`<dl>
<dt>Time</dt><dd>${time(e.at)}</dd><dt>Tenant</dt><dd>${e.tenant ?? "-"}</dd>
<dt>Token</dt><dd>${e.tokenLabel ?? "-"}${e.tokenId ? html` <span class="muted">(${e.tokenId})</span>` : ""}</dd>
<dt>IdP</dt><dd>${e.idp}</dd><dt>Request</dt><dd>${e.method} ${e.path}</dd>
<dt>Status</dt><dd class="status-${statusClassOf(e.status)}">${e.status}</dd><dt>Duration</dt><dd>${Math.round(e.durationMs)} ms</dd>
<dt>Resource</dt><dd>${resource}</dd></dl>
${body("Request body", e.requestBody)}
${body("Response body", e.responseBody)}`;
}

export function resourcePage(
  base: string,
  current: string | undefined,
  requests: readonly RequestLogEntry[],
  audit: readonly AuditRecord[],
): Html {
  const changes = audit.map(
    (a) =>
      html`<tr><td>${time(a.at)}</td><td>${a.actor ?? "-"}</td><td>${a.method}</td><td>${a.status}</td><td>${(a.changed ?? []).join(", ")}${a.membersAdded ? ` +${a.membersAdded} members` : ""}${a.membersRemoved ? ` -${a.membersRemoved} members` : ""}</td></tr>`,
  );
  return html`<h2>Current state</h2>
${current === undefined ? html`<p class="bad">Not found: deleted, or never created.</p>` : html`<pre>${current}</pre>`}
${requestTable(base, "Requests that named it, newest first", requests)}
${
  audit.length
    ? html`<table><caption>Changes from the audit trail</caption><thead><tr><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Method</th><th scope="col">Status</th><th scope="col">Changed</th></tr></thead><tbody>${changes}</tbody></table>`
    : ""
}`;
}
