/**
 * `express-scim check URL`: replays the recorded Okta and Entra sequences against a SCIM server
 * over HTTP, prints each step, removes what it created, and answers the exit code (0 all
 * passed, 1 something failed).
 */
import { parseDuration } from "../../auth/duration";
import { option, UsageError, type Invocation } from "../args";
import { httpClient } from "./exchange";
import { formatCleanup, formatStep, formatTotals } from "./report";
import { runner, type CleanupResult, type StepResult } from "./run";
import { PROFILES, type Profile } from "./sequence";
import { sequencesFor } from "./sequences";
import { ENTRA_FLAG } from "./sequences/entra-bodies";

type Out = (text: string) => void;

/** Loopback hosts, where plain http never leaves the machine. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The base URL, refused when it would send the token in clear text over a network. */
export function targetOf(raw: string, insecure: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`"${raw}" is not a URL; give the SCIM base URL, e.g. https://app.example.com/scim/v2.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new UsageError(`${url.protocol} is not http or https.`);
  // Entra's Tenant URL carries its flag; the Entra sequences add it to every request themselves.
  if (url.search === `?${ENTRA_FLAG}`) url.search = "";
  if (url.search || url.hash) throw new UsageError("Give the SCIM base URL without a query or fragment.");
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname) && !insecure)
    throw new UsageError(
      `Refusing plain http to ${url.host}: the bearer token would cross the network unencrypted. ` +
        "Use https, or pass --insecure if you really mean it.",
    );
  return url;
}

function profilesOf(invocation: Invocation): readonly Profile[] {
  const asked = option(invocation, "profile");
  if (asked === undefined) return PROFILES;
  const list = asked.split(",").map((p) => p.trim().toLowerCase());
  const bad = list.filter((p) => !(PROFILES as readonly string[]).includes(p));
  if (bad.length) throw new UsageError(`Unknown profile "${bad.join(", ")}"; use ${PROFILES.join(" or ")}.`);
  return list as Profile[];
}

/** Checks the command line before any request goes out; answers what to run. */
export function checkPlan(invocation: Invocation, env: NodeJS.ProcessEnv = process.env) {
  const url = targetOf(invocation.positionals[0]!, invocation.values.insecure === true);
  const token = option(invocation, "token") ?? env.SCIM_TOKEN;
  if (!token) throw new UsageError("No token: pass --token TOKEN or set SCIM_TOKEN.");
  const timeout = option(invocation, "timeout");
  let timeoutMs = 30_000;
  try {
    if (timeout !== undefined) timeoutMs = parseDuration(timeout);
  } catch (error) {
    throw new UsageError(`--timeout: ${(error as Error).message.replace(/^express-scim: /, "")}`);
  }
  return { base: url.href.replace(/\/+$/, ""), token, timeoutMs, profiles: profilesOf(invocation) };
}

export async function check(invocation: Invocation, out: Out, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const plan = checkPlan(invocation, env);
  const run = runner({ call: httpClient(plan), base: plan.base });
  const sequences = sequencesFor(plan.profiles);
  out(`Checking ${plan.base} as ${plan.profiles.join(" and ")} would (run ${run.unique})\n`);
  const results: StepResult[] = [];
  let cleanup: CleanupResult;
  // Ctrl-C stops after the step under way, and what the run created is still removed.
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    out("\nInterrupted: stopping after this step, then cleaning up.\n");
  };
  process.once("SIGINT", interrupt);
  try {
    for (const sequence of sequences) {
      if (interrupted) break;
      out(`\n${sequence.title}\n`);
      for (let n = 1; n <= sequence.steps.length && !interrupted; n++) {
        const result = await run.step(sequence, n);
        results.push(result);
        out(`${formatStep(result)}\n`);
      }
    }
  } finally {
    process.off("SIGINT", interrupt);
    // Even after an exception of our own, the server is left as it was found.
    cleanup = await run.cleanup();
    out(`\n${formatCleanup(cleanup)}\n${formatTotals(results, cleanup)}\n`);
  }
  return interrupted || results.some((r) => r.outcome !== "passed") || cleanup.left.length > 0 ? 1 : 0;
}
