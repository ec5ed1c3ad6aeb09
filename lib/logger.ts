/** Where the library reports what no client caused: store failures, bugs, failing hooks and listeners. */

/** pino-compatible: `logger.error({ err }, "message")`; `warn` is optional (stderr when missing). */
export interface Logger {
  /** Logs an unexpected error with its context. */
  error(obj: object, msg?: string): void;
  /** Logs a warning, such as a configuration that works but is probably a mistake. */
  warn?(obj: object, msg?: string): void;
}
