/**
 * A recorded client sequence: the requests one identity provider sends, in its order, with what
 * it checks in each answer. Steps share what the client would have saved between requests (the
 * ids it was given), through `save` and `need`.
 */
import type { Call } from "./exchange";

/** The identity providers whose sequences are recorded. */
export const PROFILES = ["okta", "entra"] as const;
export type Profile = (typeof PROFILES)[number];

export interface StepContext {
  /** Sends a request to a path under the service's base URL; creations are remembered for clean-up. */
  call: Call;
  /** The service's base URL, as `meta.location` and `Location` should start. */
  base: string;
  /** Lower-case hex, new for every run: names made from it never clash with an earlier run's. */
  unique: string;
  /** Keeps a value for the later steps of this sequence. */
  save(key: string, value: unknown): void;
  /** A value an earlier step saved; the step is skipped when that step could not save it. */
  need<T = string>(key: string): T;
}

export interface Step {
  /** What the client does and expects, as the report prints it. */
  name: string;
  run(ctx: StepContext): Promise<void>;
}

export interface Sequence {
  /** A short name for the report, e.g. "okta-spec". */
  id: string;
  title: string;
  profile: Profile;
  steps: readonly Step[];
}
