/** `express-scim/testing`: the store conformance suite, for the shipped stores and yours. */
export type { Runner, StoreCapabilities } from "./capabilities";
export { type DifferentialOptions, differentialSuite } from "./differential";
export { storeConformance, type ConformanceOptions, UNIQUE_KEYS } from "./conformance";
export {
  faultyStore,
  failNth,
  InjectedFault,
  type FaultPlan,
  type FaultyStore,
  type StoreCall,
  type FaultResource,
} from "./faulty-store";
export { tokenRegistryConformance, type TokenRegistryConformanceOptions } from "./token-registry";
