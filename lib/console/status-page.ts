/** The status panel: traffic of the last hour by IdP and status, error rate, each token's last sync. */
import type { TokenPublic } from "../auth/manager";
import type { RequestLogSummary } from "../request-log/types";
import type { Readiness } from "./health";
import { html, time, type Html } from "./html";

export const WINDOW_MINUTES = 60;

export function statusPage(
  summary: RequestLogSummary,
  readiness: Readiness,
  tokens: readonly TokenPublic[] | undefined,
): Html {
  const total = summary.counts.reduce((n, c) => n + c.count, 0);
  const failed = summary.counts.filter((c) => c.statusClass >= 4).reduce((n, c) => n + c.count, 0);
  const rate = total === 0 ? "-" : `${((failed / total) * 100).toFixed(1)}%`;
  const perMinute = (n: number) => (n / WINDOW_MINUTES).toFixed(2);
  const rows = [...summary.counts]
    .sort((a, b) => a.idp.localeCompare(b.idp) || a.statusClass - b.statusClass)
    .map(
      (c) =>
        html`<tr><td>${c.idp}</td><td class="status-${c.statusClass}">${c.statusClass}xx</td><td>${c.count}</td><td>${perMinute(c.count)}</td></tr>`,
    );
  const labels = new Map((tokens ?? []).map((t) => [t.id, t.label ?? `${t.hint}...`]));
  const syncs = summary.tokens.map(
    (t) =>
      html`<tr><td>${labels.get(t.tokenId) ?? t.tokenLabel ?? t.tokenId}</td><td>${time(t.lastSuccess)}</td><td>${time(t.lastUsed)}</td></tr>`,
  );
  const checks = Object.entries(readiness.checks).map(
    ([name, c]) =>
      html`<tr><td>${name}</td><td class="${c.ok ? "ok" : "bad"}">${c.ok ? "ok" : "failing"}</td><td>${c.detail ?? ""}</td></tr>`,
  );
  return html`
<section aria-labelledby="ready-h"><h2 id="ready-h">Readiness: <span class="${readiness.ready ? "ok" : "bad"}">${readiness.ready ? "ready" : "not ready"}</span></h2>
<table><thead><tr><th scope="col">Check</th><th scope="col">State</th><th scope="col">Detail</th></tr></thead><tbody>${checks}</tbody></table></section>
<section aria-labelledby="traffic-h"><h2 id="traffic-h">Last ${WINDOW_MINUTES} minutes</h2>
<p>${total} requests, error rate <strong>${rate}</strong>.</p>
<table><thead><tr><th scope="col">IdP</th><th scope="col">Status</th><th scope="col">Requests</th><th scope="col">Per minute</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="4" class="muted">No requests yet.</td></tr>`}</tbody></table></section>
<section aria-labelledby="sync-h"><h2 id="sync-h">Last successful sync per token</h2>
<table><thead><tr><th scope="col">Token</th><th scope="col">Last success</th><th scope="col">Last request</th></tr></thead>
<tbody>${syncs.length ? syncs : html`<tr><td colspan="3" class="muted">No token has been used yet.</td></tr>`}</tbody></table></section>`;
}
