/**
 * Runs sequences step by step against a server, remembers what they created, and removes it
 * afterwards: the check must leave a live deployment as it found it.
 */
import { randomBytes } from "node:crypto";
import { PATCH_OP_SCHEMA } from "../../schema/urns";
import { NoAnswer, type Call, type Exchange, type SentRequest } from "./exchange";
import { CheckFailure } from "./expect";
import type { Sequence, Step, StepContext } from "./sequence";

/** Thrown by `need` when an earlier step did not produce what this one needs. */
class Skipped extends Error {}

export interface StepResult {
  sequence: Sequence;
  step: Step;
  /** 1-based, as the report numbers steps. */
  number: number;
  outcome: "passed" | "failed" | "skipped";
  message?: string;
  /** The request that failed: the one the failure is about, else the step's last one. */
  request?: SentRequest;
  /** Its answer, when there was one. */
  exchange?: Exchange;
  /** Every exchange of the step, in order. */
  exchanges: Exchange[];
}

interface Created {
  type: "Users" | "Groups";
  id: string;
  label: string;
}

export interface CleanupResult {
  deleted: Created[];
  /** Users whose DELETE was refused and that were deactivated instead. */
  deactivated: (Created & { status: number })[];
  /** Resources the check could neither delete nor deactivate. */
  left: (Created & { why: string })[];
}

export interface RunnerOptions {
  call: Call;
  base: string;
  /** Defaults to 8 random hex digits. */
  unique?: string;
}

export interface Runner {
  readonly unique: string;
  /** Runs the step numbered `number` (1-based) of `sequence`. */
  step(sequence: Sequence, number: number): Promise<StepResult>;
  /** Runs every step of `sequence` in order; a failed step does not stop the next ones. */
  sequence(sequence: Sequence): Promise<StepResult[]>;
  /** What a sequence saved so far (the replay tests read it). */
  saved(sequence: Sequence): Record<string, unknown>;
  /** Deletes everything the run created, groups first; deactivates users whose DELETE is refused. */
  cleanup(): Promise<CleanupResult>;
}

const CREATE = /^\/(Users|Groups)(\?|$)/;

export function runner({ call, base, unique = randomBytes(4).toString("hex") }: RunnerOptions): Runner {
  const created: Created[] = [];
  const states = new Map<string, Record<string, unknown>>();
  const stateOf = (s: Sequence) => {
    const state = states.get(s.id) ?? {};
    states.set(s.id, state);
    return state;
  };

  const step = async (sequence: Sequence, number: number): Promise<StepResult> => {
    const step = sequence.steps[number - 1];
    if (!step) throw new RangeError(`${sequence.id} has no step ${number}`);
    const state = stateOf(sequence);
    const exchanges: Exchange[] = [];
    const ctx: StepContext = {
      base: base.replace(/\/+$/, ""),
      unique,
      call: async (method, path, options) => {
        const x = await call(method, path, options);
        exchanges.push(x);
        const type = CREATE.exec(path)?.[1] as Created["type"] | undefined;
        if (method === "POST" && type && x.status >= 200 && x.status < 300 && typeof x.body?.id === "string")
          created.push({ type, id: x.body.id, label: String(x.body.userName ?? x.body.displayName ?? "") });
        return x;
      },
      save: (key, value) => {
        state[key] = value;
      },
      need: <T>(key: string) => {
        if (state[key] === undefined) throw new Skipped(`needs ${key}, which an earlier step did not get`);
        return state[key] as T;
      },
    };
    const common = { sequence, step, number, exchanges };
    try {
      await step.run(ctx);
      return { ...common, outcome: "passed" };
    } catch (error) {
      if (error instanceof Skipped) return { ...common, outcome: "skipped", message: error.message };
      const exchange = error instanceof CheckFailure ? (error.exchange ?? exchanges.at(-1)) : undefined;
      const request = error instanceof NoAnswer ? error.request : (exchange?.request ?? exchanges.at(-1)?.request);
      return {
        ...common,
        outcome: "failed",
        message: error instanceof CheckFailure || error instanceof NoAnswer ? error.message : String(error),
        ...(request ? { request } : {}),
        ...(exchange ? { exchange } : {}),
      };
    }
  };

  const cleanup = async (): Promise<CleanupResult> => {
    const result: CleanupResult = { deleted: [], deactivated: [], left: [] };
    // Groups first: a group deleted first takes its memberships with it.
    const newestFirst = [...created].reverse();
    const order = [...newestFirst.filter((c) => c.type === "Groups"), ...newestFirst.filter((c) => c.type === "Users")];
    const seen = new Set<string>();
    for (const c of order) {
      if (seen.has(`${c.type}/${c.id}`)) continue;
      seen.add(`${c.type}/${c.id}`);
      const path = `/${c.type}/${encodeURIComponent(c.id)}`;
      try {
        const del = await call("DELETE", path);
        // 404: a step deleted it already (Entra's hard delete, Okta's group unlink).
        if (del.status < 300 || del.status === 404) {
          result.deleted.push(c);
          continue;
        }
        if (c.type === "Users") {
          const off = await call("PATCH", path, {
            body: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: "replace", value: { active: false } }] },
          });
          if (off.status < 300) {
            result.deactivated.push({ ...c, status: del.status });
            continue;
          }
          result.left.push({ ...c, why: `DELETE answered ${del.status}, deactivating answered ${off.status}` });
        } else result.left.push({ ...c, why: `DELETE answered ${del.status}` });
      } catch (error) {
        result.left.push({ ...c, why: (error as Error).message });
      }
    }
    created.length = 0;
    return result;
  };

  return {
    unique,
    step,
    sequence: async (sequence) => {
      const results: StepResult[] = [];
      for (let n = 1; n <= sequence.steps.length; n++) results.push(await step(sequence, n));
      return results;
    },
    saved: stateOf,
    cleanup,
  };
}
