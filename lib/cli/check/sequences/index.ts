/** Every recorded sequence, in the order the check runs them, and which identity provider sends each. */
import type { Profile, Sequence } from "../sequence";
import { entraGroups } from "./entra-groups";
import { entraPatch } from "./entra-patch";
import { entraUsers } from "./entra-users";
import { oktaCrud, oktaGroupPush } from "./okta-crud";
import { oktaGroupBodies, oktaSamlGroups } from "./okta-group-bodies";
import { oktaSpec } from "./okta-spec";

export const SEQUENCES: readonly Sequence[] = [
  oktaSpec,
  oktaCrud,
  oktaGroupPush,
  oktaSamlGroups,
  oktaGroupBodies,
  entraUsers,
  entraPatch,
  entraGroups,
];

export const sequencesFor = (profiles: readonly Profile[]) => SEQUENCES.filter((s) => profiles.includes(s.profile));
