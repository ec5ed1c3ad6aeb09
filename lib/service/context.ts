import type { Principal } from "../auth/principal";
import type { ScimEvent } from "../events/types";
import type { FilterLimits } from "../protocol/filter/ast";
import type { ResolvedProfile } from "../profiles";
import type { StoreContext } from "../stores/types";

/** What a request did, filled in by the service and read at the edge (events, audit). */
export interface Report {
  id?: string;
  changed?: string[];
  membersAdded?: number;
  membersRemoved?: number;
  /** Member ids dropped because they named nothing (`unknownMembers: "skip"`). */
  membersSkipped?: number;
  events: ScimEvent[];
}

/** What the service needs to know about the request it serves. */
export interface ServiceContext extends StoreContext {
  /** Absolute URL of the router's mount point for this request, without a trailing slash. */
  baseUrl: string;
  principal: Principal;
  report: Report;
  /** The client profile the request is served under (docs/clients.md); absent means "lenient". */
  profile?: ResolvedProfile;
}

/** Request, list and filter limits (the `limits` option); each has a default. */
export interface Limits {
  /** Page size when the client gives no `count`. */
  defaultCount: number;
  /** Largest page served; larger `count`s are cut to it. */
  maxCount: number;
  /** Members in one POST/PUT body, or added/replaced by one PATCH. */
  maxMembersPerRequest: number;
  /** Operations in one PATCH body. */
  maxOperations: number;
  /**
   * Work a list or search may cost: records it must read times its work per record (see
   * lib/service/budget.ts). Above it: 400 tooMany, before the store runs anything.
   */
  queryBudget: number;
  filter: FilterLimits;
}
