/**
 * What the check prints: one line per step, and under each failure what was expected, the request
 * and the answer, so the reader sees what to fix without rerunning anything.
 */
import type { SentRequest } from "./exchange";
import type { CleanupResult, StepResult } from "./run";

/** Enough of a body to see what is wrong, not a 10,000-member group. */
const MAX_BODY = 2000;

const clip = (text: string) => (text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}... (${text.length} chars)` : text);
const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

function requestLines(request: SentRequest): string[] {
  const lines = [`${request.method} ${request.url}`];
  for (const [name, value] of Object.entries(request.headers)) {
    // The token never reaches a terminal or a CI log.
    lines.push(`${name}: ${name.toLowerCase() === "authorization" ? value.replace(/\s.*$/, " [redacted]") : value}`);
  }
  if (request.body !== undefined) lines.push(clip(request.body));
  return lines;
}

/** One step's line; for a failure, the reason, the request and the answer under it. */
export function formatStep(r: StepResult): string {
  const mark = r.outcome === "passed" ? "PASS" : r.outcome === "failed" ? "FAIL" : "SKIP";
  const head = `${mark}  ${r.sequence.id} ${r.number}. ${r.step.name}`;
  if (r.outcome === "passed") return head;
  const pad = "        ";
  const out = [head, `${pad}${r.message ?? ""}`];
  if (r.outcome === "failed" && r.request)
    out.push(`${pad}request:`, ...requestLines(r.request).map((l) => `${pad}  ${indent(l, `${pad}  `)}`));
  if (r.outcome === "failed" && r.exchange) {
    const x = r.exchange;
    out.push(`${pad}response: ${x.status}  Content-Type: ${x.headers.get("content-type") ?? "(none)"}`);
    if (x.text !== "") out.push(`${pad}  ${indent(clip(x.text), `${pad}  `)}`);
  }
  return out.join("\n");
}

export function formatCleanup(c: CleanupResult): string {
  const lines = [
    `Cleanup: deleted ${c.deleted.length} resource(s) this run created` +
      (c.deactivated.length ? `; deactivated ${c.deactivated.length} user(s) whose DELETE was refused` : ""),
  ];
  for (const d of c.deactivated) lines.push(`  deactivated Users/${d.id} (${d.label}): DELETE answered ${d.status}`);
  for (const l of c.left) lines.push(`  LEFT ON THE SERVER: ${l.type}/${l.id} (${l.label}): ${l.why}`);
  return lines.join("\n");
}

/** The last line: `N passed, N failed` (skipped steps are named above it). */
export function formatTotals(results: readonly StepResult[], cleanup?: CleanupResult): string {
  const count = (o: StepResult["outcome"]) => results.filter((r) => r.outcome === o).length;
  const failed = count("failed") + (cleanup?.left.length ? 1 : 0);
  const skipped = count("skipped");
  return `${skipped ? `${skipped} skipped (an earlier step failed)\n` : ""}${count("passed")} passed, ${failed} failed`;
}
