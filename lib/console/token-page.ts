/** Tokens: list (never the secret), issue (the secret shown once), rotate with a grace period, revoke. */
import { tokenState, type IssuedToken, type TokenPublic } from "../auth/manager";
import { ALL_SCOPES, FEED_SCOPE } from "../auth/scopes";
import { PROFILE_NAMES } from "../profiles";
import { CSRF_FIELD } from "./csrf";
import { html, time, type Html } from "./html";

export interface TokenPageState {
  tokens: readonly TokenPublic[];
  /** Last request per token id, from the request log. */
  lastUsed: ReadonlyMap<string, Date>;
  csrf: string;
  now: Date;
  issued?: { what: "issued" | "rotated"; token: IssuedToken };
  message?: string;
}

export function tokensPage(base: string, s: TokenPageState): Html {
  const hidden = html`<input type="hidden" name="${CSRF_FIELD}" value="${s.csrf}">`;
  const rows = s.tokens.map((t) => {
    const state = tokenState(t, s.now);
    const live = state === "active" || state === "rotated";
    return html`<tr><td>${t.label ?? "-"}</td><td><code>${t.hint}...</code></td><td>${t.tenant}</td><td>${t.scopes.join(" ")}</td>
<td>${t.profile ?? "-"}</td><td>${time(t.createdAt)}</td><td>${time(s.lastUsed.get(t.id))}</td><td>${time(t.expiresAt)}</td><td class="${live ? "ok" : "bad"}">${state}</td>
<td>${
      live
        ? html`<form class="inline" method="post" action="${base}/tokens/${t.id}/rotate">${hidden}<label>Grace <input name="grace" value="1h" size="4"></label><button type="submit">Rotate</button></form>
<form class="inline" method="post" action="${base}/tokens/${t.id}/revoke">${hidden}<button type="submit" aria-label="Revoke ${t.label ?? t.hint}">Revoke</button></form>`
        : ""
    }</td></tr>`;
  });
  const box = (scope: string) => html`<label><input type="checkbox" name="scopes" value="${scope}"> ${scope}</label>`;
  const scopes = ALL_SCOPES.map(box);
  return html`${s.message ? html`<p role="alert" class="bad">${s.message}</p>` : ""}
${
  s.issued
    ? html`<section aria-labelledby="secret-h" role="status"><h2 id="secret-h">Token ${s.issued.what}: copy it now, it is shown once</h2>
<p><output class="secret" id="new-token">${s.issued.token.token}</output></p></section>`
    : ""
}
<table><caption>${s.tokens.length} tokens, newest first</caption><thead><tr><th scope="col">Label</th><th scope="col">Starts with</th><th scope="col">Tenant</th>
<th scope="col">Scopes</th><th scope="col">Profile</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="10" class="muted">No tokens.</td></tr>`}</tbody></table>
<form method="post" action="${base}/tokens">${hidden}<fieldset><legend>Issue a token</legend>
<p><label>Label <input name="label" required placeholder="okta-production"></label>
<label>Tenant <input name="tenant" placeholder="default"></label>
<label>Expires in <input name="expiresIn" placeholder="90d" size="6"></label>
<label>Client profile <select name="profile"><option value="">the router's</option>${PROFILE_NAMES.map((name) => html`<option value="${name}">${name}</option>`)}</select></label></p>
<fieldset><legend>Scopes</legend>${scopes}</fieldset>
<fieldset><legend>Event feed</legend>${box(FEED_SCOPE)}
<p class="muted">Reads <code>GET /Events</code> (<code>delivery: { feed: true }</code>): for your own sync job, not for an identity provider.</p></fieldset>
<button type="submit">Issue token</button></fieldset></form>`;
}
