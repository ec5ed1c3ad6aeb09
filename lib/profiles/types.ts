/** A client profile: what one identity provider sends and expects, as data. */
import type { Tolerance } from "./tolerances";

/** One behaviour of a client, with where it is documented or observed. */
export interface Quirk {
  /** The deviation it needs tolerated; absent when RFC 7643/7644 already allow it. */
  tolerance?: Tolerance;
  /** What the client does, in a sentence. */
  does: string;
  /** Where it comes from: the vendor's docs, a test suite, an observed request. */
  source: string;
}

/** How the client likes a PATCH answered: 200 with the resource, or 204 without a body. */
export interface PatchAnswer {
  users: 200 | 204;
  groups: 200 | 204;
}

/** One client's profile: its quirks, the tolerances they need, and its preferred PATCH answers. */
export interface ClientProfile {
  /** A short name, as tokens and options write it: "okta", "entra", ... */
  name: string;
  /** The tolerances this client needs: derived from `quirks` by `profile()`. */
  tolerates: readonly Tolerance[];
  quirks: readonly Quirk[];
  /**
   * The answer to a PATCH when the request names no `attributes`: RFC 7644 3.5.2 allows both.
   * A request with `attributes` or `excludedAttributes` is always answered with the resource.
   */
  patchAnswer: PatchAnswer;
}

/** A profile from its quirks: the tolerances are exactly those its quirks name. */
export function profile(name: string, quirks: readonly Quirk[], patchAnswer: PatchAnswer): ClientProfile {
  const tolerates = [...new Set(quirks.flatMap((q) => (q.tolerance ? [q.tolerance] : [])))];
  return Object.freeze({ name, tolerates: Object.freeze(tolerates), quirks: Object.freeze([...quirks]), patchAnswer });
}

/** The library's answer since 1.0: users get their resource back, groups 204 (Entra prefers it). */
export const DEFAULT_PATCH_ANSWER: PatchAnswer = Object.freeze({ users: 200, groups: 204 });
