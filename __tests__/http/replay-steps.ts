/**
 * Runs a recorded client sequence (lib/cli/check/sequences, the same steps `express-scim check`
 * replays against any server) as one jest test per step, on a test server. A test may add
 * `extras` after a step: what this library answers beyond what the client itself checks
 * (exact totals on a fresh store, the seeded user first, ...).
 */
import { formatStep } from "../../lib/cli/check/report";
import { runner, type Runner, type StepResult } from "../../lib/cli/check/run";
import type { Sequence } from "../../lib/cli/check/sequence";
import { USER_SCHEMA } from "../../lib/schema/urns";
import { SCIM_CONTENT_TYPE } from "../helpers/fixtures";
import { expectNoPassword, type LiveServer } from "./app";

/** Checks to run after step `n` passed, with its result and what the sequence saved so far. */
export type Extras = Record<number, (result: StepResult, saved: Record<string, unknown>) => unknown>;

export function replaySteps(sequence: Sequence, server: () => LiveServer, extras: Extras = {}): void {
  let run: Runner | undefined;
  sequence.steps.forEach((step, i) => {
    const n = i + 1;
    test(`${n}. ${step.name}`, async () => {
      const s = server();
      run ??= runner({ call: s.call, base: s.base });
      const result = await run.step(sequence, n);
      if (result.outcome !== "passed") throw new Error(formatStep(result));
      // This library's answers, beyond what a client checks: the exact content type, never a password.
      for (const x of result.exchanges) {
        if (x.text !== "") expect(x.headers.get("content-type")).toBe(SCIM_CONTENT_TYPE);
        expectNoPassword(x.body);
      }
      await extras[n]?.(result, run.saved(sequence));
    });
  });
}

/** This library lists User.groups on every user answer (the check accepts a server that leaves it out). */
export function groupsListed({ exchanges }: StepResult) {
  for (const x of exchanges) {
    const users = (x.body?.Resources ?? [x.body]).filter((r: { schemas?: string[] } | undefined) =>
      r?.schemas?.includes(USER_SCHEMA),
    );
    for (const u of users) expect({ id: u.id, groups: u.groups }).toEqual({ id: u.id, groups: expect.any(Array) });
  }
}
/** `extras`, with `groupsListed` after every step. */
export const everyStep = (sequence: Sequence, extras: Extras = {}): Extras =>
  Object.fromEntries(
    sequence.steps.map((_, i) => [
      i + 1,
      async (r: StepResult, saved: Record<string, unknown>) => {
        groupsListed(r);
        await extras[i + 1]?.(r, saved);
      },
    ]),
  );
