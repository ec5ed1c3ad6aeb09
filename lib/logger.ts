/** Where the library reports what no client caused: store failures, bugs, failing hooks and listeners. */

/** pino-compatible: `logger.error({ err }, "message")`; `warn` is optional (stderr when missing). */
export interface Logger {
  error(obj: object, msg?: string): void;
  warn?(obj: object, msg?: string): void;
}
