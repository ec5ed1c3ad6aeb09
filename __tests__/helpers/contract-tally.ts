/**
 * What the contract recorder (openapi-contract.ts) saw in this test file: kept apart from it, so
 * the setup file that reads it loads no validator into suites that never start a router.
 */
export interface ContractTally {
  /** Responses checked against the document. */
  checked: number;
  /** Of those, answers to paths or methods the document does not describe (checked as SCIM errors). */
  outsideDocument: number;
  /** Bodies too large to parse in a test: counted, not checked. */
  oversized: number;
  /** Disagreements not yet reported to a test. */
  problems: string[];
}

const TALLY = Symbol.for("express-scim.openapi-contract");

export function tally(): ContractTally {
  const g = globalThis as { [TALLY]?: ContractTally };
  g[TALLY] ??= { checked: 0, outsideDocument: 0, oversized: 0, problems: [] };
  return g[TALLY];
}
