/**
 * Events: each sink's backlog (and sinks no instance delivers any more, to forget), and the
 * deliveries that gave up (dead letters), with the error each ended on, replayed one at a time or
 * a sink at a time. Reads `router.events`; the console keeps no state of its own.
 */
import type { SinkBacklog } from "../delivery/handle";
import type { DeadLetter } from "../stores/outbox";
import { endpointOf } from "../schema/core";
import { EVENT_DEFAULTS } from "../values/defaults";
import { CSRF_FIELD } from "./csrf";
import { html, time, type Html } from "./html";

/** Dead letters shown at once, oldest first; replaying them shows the next. */
export const DEAD_LETTERS_SHOWN = 100;

/** What the last form did: done, or refused. */
export type EventsNote = { ok: string } | { bad: string };

export interface EventsPageState {
  letters: readonly DeadLetter[];
  backlog: readonly SinkBacklog[];
  csrf: string;
  note?: EventsNote;
}

export function eventsPage(base: string, s: EventsPageState): Html {
  const hidden = html`<input type="hidden" name="${CSRF_FIELD}" value="${s.csrf}">`;
  const button = (fields: Html, label: string, text: string, action = "replay") =>
    html`<form class="inline" method="post" action="${base}/events/${action}">${hidden}${fields}<button type="submit" aria-label="${label}">${text}</button></form>`;
  const rows = s.letters.map((l) => {
    const e = l.event;
    const resource = `${base}/resources${endpointOf(e.resourceType)}/${encodeURIComponent(e.resourceId)}?tenant=${encodeURIComponent(e.tenant)}`;
    return html`<tr><td>${time(new Date(e.time))}</td><td>${l.sink}</td><td>${e.tenant}</td><td>${e.type}</td>
<td><a href="${resource}">${e.resourceType}/${e.resourceId}</a></td><td>${l.attempts}</td><td>${l.error}</td>
<td>${button(html`<input type="hidden" name="sink" value="${l.sink}"><input type="hidden" name="id" value="${e.id}">`, `Replay ${e.type} of ${e.resourceId} to ${l.sink}`, "Replay")}</td></tr>`;
  });
  const waiting = s.backlog.map(
    (
      b,
    ) => html`<tr><td>${b.sink}</td><td>${b.pending >= EVENT_DEFAULTS.backlogCap ? `${b.pending}+` : b.pending}</td><td>${time(b.oldest)}</td>
<td class="${b.here ? "ok" : "bad"}">${b.here ? "delivered by this router" : "no sink of this name here"}</td>
<td>${b.here ? "" : button(html`<input type="hidden" name="sink" value="${b.sink}">`, `Forget the sink ${b.sink}`, "Forget", "forget")}</td></tr>`,
  );
  const sinks = [...new Set(s.letters.map((l) => l.sink))].map(
    (sink) =>
      html`<li>${button(html`<input type="hidden" name="sink" value="${sink}">`, `Replay every dead letter of ${sink}`, `Replay all of ${sink}`)}</li>`,
  );
  const note = s.note
    ? "ok" in s.note
      ? html`<p role="status" class="ok">${s.note.ok}</p>`
      : html`<p role="alert" class="bad">${s.note.bad}</p>`
    : "";
  return html`${note}
<h2>Waiting</h2>
<p>Deliveries still to make, per sink. A sink that no instance has any more (a removed webhook) is
never delivered and keeps its events from being pruned: once it is gone from every instance's
configuration, forget it.</p>
<table><caption>${s.backlog.length} sinks with deliveries to make</caption><thead><tr><th scope="col">Sink</th><th scope="col">Waiting</th>
<th scope="col">First recorded</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
<tbody>${waiting.length ? waiting : html`<tr><td colspan="5" class="muted">Nothing waiting.</td></tr>`}</tbody></table>
<h2>Dead letters</h2>
<p>A dead letter is an event a sink (your listeners, a webhook) failed to take for the whole
<code>delivery.deadLetterAfter</code> period. Fix the receiver, then replay: the event is delivered
again, in order with the resource's later events.</p>
<table><caption>${s.letters.length} dead letters${s.letters.length >= DEAD_LETTERS_SHOWN ? ", the oldest shown" : ""}</caption><thead><tr><th scope="col">Recorded</th><th scope="col">Sink</th><th scope="col">Tenant</th>
<th scope="col">Event</th><th scope="col">Resource</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col">Actions</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="8" class="muted">No dead letters: every event was delivered or is still being tried.</td></tr>`}</tbody></table>
${sinks.length ? html`<ul>${sinks}</ul>` : ""}`;
}
