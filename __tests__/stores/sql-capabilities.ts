import type { StoreCapabilities } from "../../lib/testing";

/** What the shipped SQLite and PostgreSQL stores offer beyond the minimum: everything. */
export const SQL_CAPABILITIES: StoreCapabilities = {
  transactions: true,
  ready: true,
  costs: true,
  tokens: true,
  rotate: true,
  audit: true,
  everyQuery: true,
  unicode: true,
  nestedGroups: true,
  outbox: true,
};
