/**
 * What a store declares it offers beyond the required minimum. The kit tests what is declared,
 * reports the rest as skipped (with the reason in the test's name), and fails a store whose
 * declarations and optional members disagree: an undeclared `transaction()` is still called by
 * the router, so it must not go untested.
 */
import type { Store } from "../stores/types";

/** Optional parts of the store contract; each defaults to false. */
export interface StoreCapabilities {
  /** `store.transaction(fn)`: every write in fn lands or none does. */
  transactions?: boolean;
  /** `store.ready()`: resolves once the store can serve (a migrated database). */
  ready?: boolean;
  /** `store.costs`: indexes and sizes for the work budget. */
  costs?: boolean;
  /** `store.tokens`: a token registry kept beside the data (the token registry suite runs on it). */
  tokens?: boolean;
  /** `store.tokens.rotate`: issue a successor and mark the old token in one write. */
  rotate?: boolean;
  /** `store.audit`: an audit log kept beside the data (`append` and `list`). */
  audit?: boolean;
  /**
   * The store answers every filter and sort the memory store answers, as it does. Without it the
   * differential suite accepts a 400 (`invalidFilter`, `invalidValue`) as the store's honest refusal.
   */
  everyQuery?: boolean;
  /**
   * Case folding and text order as lib/values/fold.ts and evaluate() have them (ß, İ, final sigma,
   * full-width and astral letters; UTF-16 order). Without it the differential suite keeps to
   * ASCII and é, as a store folding with its database's lower() agrees only there.
   */
  unicode?: boolean;
  /** Groups as members of groups. Without it no group is given a group member. */
  nestedGroups?: boolean;
  /** `store.outbox`: durable events, the feed and delivery state (lib/stores/outbox.ts). */
  outbox?: boolean;
}

export type Capability = keyof StoreCapabilities;

/** Injected by the host: its runner's `describe`, `test` and `test.skip` (jest, vitest, node:test). */
export interface Runner {
  /** Your runner's `describe`. */
  describe: (name: string, fn: () => void) => void;
  /** Your runner's `test`. */
  test: (name: string, fn: () => Promise<void>) => void;
  /** Registers a skipped test; defaults to `test.skip`, which jest, vitest and node:test all have. */
  skip?: (name: string, fn: () => Promise<void>) => void;
}

/** Whether a store (or its registry) carries each optional member; behaviours have none to look at. */
const OFFERED: Record<Exclude<Capability, "everyQuery" | "unicode" | "nestedGroups">, (store: Store) => boolean> = {
  transactions: (s) => typeof s.transaction === "function",
  ready: (s) => typeof s.ready === "function",
  costs: (s) => s.costs !== undefined,
  tokens: (s) => s.tokens !== undefined,
  rotate: (s) => typeof s.tokens?.rotate === "function",
  audit: (s) => (s as { audit?: unknown }).audit !== undefined,
  outbox: (s) => s.outbox !== undefined,
};

/** The mismatches between what is declared and what the store carries, as sentences. */
export function undeclared(store: Store, capabilities: StoreCapabilities): string[] {
  const wrong: string[] = [];
  for (const [name, offered] of Object.entries(OFFERED) as [Capability, (s: Store) => boolean][]) {
    const has = offered(store);
    if (has && !capabilities[name]) wrong.push(`the store has ${name} but does not declare it`);
    if (!has && capabilities[name]) wrong.push(`the store declares ${name} but does not have it`);
  }
  return wrong;
}

/** The host's skip function, or a clear start-up error when its runner has none. */
export function skipOf(runner: Runner): (name: string, fn: () => Promise<void>) => void {
  if (runner.skip) return runner.skip;
  const skip = (runner.test as { skip?: Runner["skip"] }).skip;
  if (typeof skip !== "function") {
    throw new TypeError(
      "express-scim/testing: pass `skip` (your runner's test.skip) to report undeclared capabilities.",
    );
  }
  // vitest's chained test.skip reads `this`.
  return skip.bind(runner.test);
}

/** Registers `fn` as a test when `capability` is declared, else as a skipped test that says why. */
export function gated(
  runner: Runner,
  capabilities: StoreCapabilities,
  capability: Capability,
): (name: string, fn: () => Promise<void>) => void {
  if (capabilities[capability]) return runner.test;
  const skip = skipOf(runner);
  return (name, fn) => skip(`${name} (skipped: capability "${capability}" not declared)`, fn);
}
