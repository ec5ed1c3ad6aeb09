/**
 * Events: the deliveries that gave up (dead letters), with the error each ended on, replayed
 * one at a time or a sink at a time. Reads `router.events`; the console keeps no state of its own.
 */
import type { DeadLetter } from "../stores/outbox";
import { CSRF_FIELD } from "./csrf";
import { html, time, type Html } from "./html";

/** Dead letters shown at once, oldest first; replaying them shows the next. */
export const DEAD_LETTERS_SHOWN = 100;

export interface EventsPageState {
  letters: readonly DeadLetter[];
  csrf: string;
  /** How many the last replay queued again. */
  replayed?: number;
}

const plural = {
  User: "Users",
  Group: "Groups",
} as const;

export function eventsPage(base: string, s: EventsPageState): Html {
  const hidden = html`<input type="hidden" name="${CSRF_FIELD}" value="${s.csrf}">`;
  const replay = (fields: Html, label: string, text: string) =>
    html`<form class="inline" method="post" action="${base}/events/replay">${hidden}${fields}<button type="submit" aria-label="${label}">${text}</button></form>`;
  const rows = s.letters.map((l) => {
    const e = l.event;
    const resource = `${base}/resources/${plural[e.resourceType]}/${encodeURIComponent(e.resourceId)}?tenant=${encodeURIComponent(e.tenant)}`;
    return html`<tr><td>${time(new Date(e.time))}</td><td>${l.sink}</td><td>${e.tenant}</td><td>${e.type}</td>
<td><a href="${resource}">${e.resourceType}/${e.resourceId}</a></td><td>${l.attempts}</td><td>${l.error}</td>
<td>${replay(html`<input type="hidden" name="sink" value="${l.sink}"><input type="hidden" name="id" value="${e.id}">`, `Replay ${e.type} of ${e.resourceId} to ${l.sink}`, "Replay")}</td></tr>`;
  });
  const sinks = [...new Set(s.letters.map((l) => l.sink))].map(
    (sink) =>
      html`<li>${replay(html`<input type="hidden" name="sink" value="${sink}">`, `Replay every dead letter of ${sink}`, `Replay all of ${sink}`)}</li>`,
  );
  return html`${
    s.replayed !== undefined
      ? html`<p role="status" class="ok">${s.replayed} ${s.replayed === 1 ? "delivery" : "deliveries"} queued again.</p>`
      : ""
  }
<p>A dead letter is an event a sink (your listeners, a webhook) failed to take for the whole
<code>delivery.deadLetterAfter</code> period. Fix the receiver, then replay: the event is delivered
again, in order with the resource's later events.</p>
<table><caption>${s.letters.length} dead letters${s.letters.length >= DEAD_LETTERS_SHOWN ? ", the oldest shown" : ""}</caption><thead><tr><th scope="col">Recorded</th><th scope="col">Sink</th><th scope="col">Tenant</th>
<th scope="col">Event</th><th scope="col">Resource</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col">Actions</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="8" class="muted">No dead letters: every event was delivered or is still being tried.</td></tr>`}</tbody></table>
${sinks.length ? html`<ul>${sinks}</ul>` : ""}`;
}
