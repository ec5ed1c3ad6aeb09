/**
 * Client profiles as data (docs/clients.md): what each identity provider sends that the RFCs do
 * not allow, and how it likes PATCH answered. The engines never see a client's name, only the
 * resolved set of tolerances (`tolerates(set, flag)` where each rule lives).
 */
import { entra } from "./entra";
import { generic } from "./generic";
import { jumpcloud } from "./jumpcloud";
import { okta } from "./okta";
import { onelogin } from "./onelogin";
import { LENIENT, STRICT, TOLERANCES, isTolerance, type Tolerances } from "./tolerances";
import { DEFAULT_PATCH_ANSWER, type ClientProfile, type PatchAnswer } from "./types";

export { LENIENT, STRICT, TOLERANCES, tolerates, type Tolerance, type Tolerances } from "./tolerances";
export { DEFAULT_PATCH_ANSWER, type ClientProfile, type PatchAnswer, type Quirk } from "./types";

/** The shipped profiles, by name. */
export const PROFILES = Object.freeze({ okta, entra, onelogin, jumpcloud, generic });

/** The name of a shipped profile: "okta", "entra", "onelogin", "jumpcloud" or "generic". */
export type ProfileName = keyof typeof PROFILES;

/**
 * How a router, tenant or token says which client it serves: a shipped profile's name,
 * `"lenient"` (every profile's tolerances: the default), `"strict"` (RFC 7643/7644 to the
 * letter), or a profile of your own (`{ ...PROFILES.entra, tolerates: [...] }`).
 */
export type ProfileChoice =
  | ProfileName
  | "lenient"
  | "strict"
  | (Pick<ClientProfile, "tolerates"> & Partial<Pick<ClientProfile, "name" | "patchAnswer">>);

/** What the engines read for one request. */
export interface ResolvedProfile {
  /** "lenient", "strict", a shipped profile's name, or a custom profile's name ("custom" without one). */
  name: string;
  tolerances: Tolerances;
  patchAnswer: PatchAnswer;
}

const BUILT: Record<string, ResolvedProfile> = {
  lenient: { name: "lenient", tolerances: LENIENT, patchAnswer: DEFAULT_PATCH_ANSWER },
  strict: { name: "strict", tolerances: STRICT, patchAnswer: DEFAULT_PATCH_ANSWER },
};
for (const p of Object.values(PROFILES)) {
  BUILT[p.name] = { name: p.name, tolerances: new Set(p.tolerates), patchAnswer: p.patchAnswer };
}

export const PROFILE_NAMES: readonly string[] = Object.freeze(Object.keys(BUILT));

/**
 * Resolves and checks a choice once, at start-up: an unknown name or flag is a TypeError that
 * says what to write instead. `where` names the option in the message.
 */
export function resolveProfile(choice: ProfileChoice, where: string): ResolvedProfile {
  if (typeof choice === "string") {
    const found = Object.hasOwn(BUILT, choice) ? BUILT[choice] : undefined;
    if (!found)
      throw new TypeError(
        `express-scim: ${where} "${choice}" is not a profile; use one of ${PROFILE_NAMES.join(", ")}.`,
      );
    return found;
  }
  if (typeof choice !== "object" || choice === null || !Array.isArray(choice.tolerates))
    throw new TypeError(
      `express-scim: ${where} must be a profile name (${PROFILE_NAMES.join(", ")}) or { tolerates: [...] }.`,
    );
  const unknown = choice.tolerates.find((flag) => !isTolerance(flag));
  if (unknown !== undefined)
    throw new TypeError(
      `express-scim: ${where}.tolerates has unknown tolerance ${JSON.stringify(unknown)}; known: ${TOLERANCES.join(", ")}.`,
    );
  const answer = choice.patchAnswer ?? DEFAULT_PATCH_ANSWER;
  for (const kind of ["users", "groups"] as const)
    if (answer[kind] !== 200 && answer[kind] !== 204)
      throw new TypeError(`express-scim: ${where}.patchAnswer.${kind} must be 200 or 204.`);
  return {
    name: typeof choice.name === "string" ? choice.name : "custom",
    tolerances: new Set(choice.tolerates),
    patchAnswer: { users: answer.users, groups: answer.groups },
  };
}
