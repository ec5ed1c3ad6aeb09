/**
 * `express-scim/console`: the provisioning console (request log, tokens, health) and the pieces
 * a host wires to it. See docs/console.md.
 */
export { scimConsole, CONTENT_SECURITY_POLICY } from "./router";
export type { ConsoleOptions, ConsoleAuth } from "./options";
export { scimHealth, type ReadinessOptions, type Readiness, type Check } from "./health";
export { memoryRequestLog } from "../request-log/memory";
export type { RequestLogOptions } from "../request-log/options";
export type {
  RequestLog,
  RequestLogEntry,
  RequestLogQuery,
  RequestLogSummary,
  StatusClass,
  DurableRequestLog,
} from "../request-log/types";
export { REDACTED } from "../request-log/redact";
