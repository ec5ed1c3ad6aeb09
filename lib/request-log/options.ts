/**
 * What a host passes to record requests (`scim({ requestLog })`) and to show them
 * (`scimConsole({ requestLog })`): the same object, so both redact alike.
 */
import { parseDuration } from "../auth/duration";
import { redactor, type Redactor } from "./redact";
import { isRequestLog, type RequestLog } from "./types";

export interface RequestLogOptions {
  /** Where entries go: `memoryRequestLog()`, or a SQL store's `store.requestLog`. */
  log: RequestLog;
  /** Attribute names whose values never appear in a log or a console page; `password` always. */
  sensitive?: readonly string[];
  /** Share of successful requests whose bodies are kept (0 to 1; default 0). Failures always keep them. */
  sampleSuccesses?: number;
  /** Bodies longer than this (redacted JSON) are cut. Default 16384. */
  maxBodyBytes?: number;
  /** Logs that delete by age (the SQL stores') drop entries older than this: "30d" (default), "12h", seconds. */
  retention?: string | number;
}

export interface RequestRecorder {
  log: RequestLog;
  redact: Redactor;
  /** Whether a success's bodies are kept. */
  sample: () => boolean;
  maxBodyBytes: number;
  /** Deletes entries past the retention, at most once an hour (the first call always does). */
  prune(now: Date): void;
}

const KEYS = ["log", "sensitive", "sampleSuccesses", "maxBodyBytes", "retention"];
const PRUNE_EVERY_MS = 3600 * 1000;

export function requestRecorder(options: RequestLogOptions, random: () => number = Math.random): RequestRecorder {
  if (typeof options !== "object" || options === null || !isRequestLog(options.log))
    throw new TypeError(
      "express-scim: requestLog must be { log } with a request log, e.g. { log: memoryRequestLog() } or { log: store.requestLog }.",
    );
  const unknown = Object.keys(options).find((k) => !KEYS.includes(k));
  if (unknown) throw new TypeError(`express-scim: unknown option "requestLog.${unknown}"; known: ${KEYS.join(", ")}.`);
  const rate = options.sampleSuccesses ?? 0;
  if (typeof rate !== "number" || !(rate >= 0 && rate <= 1))
    throw new TypeError("express-scim: requestLog.sampleSuccesses must be a number from 0 to 1.");
  const maxBodyBytes = options.maxBodyBytes ?? 16384;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 256)
    throw new TypeError("express-scim: requestLog.maxBodyBytes must be an integer of at least 256.");
  const retentionMs = parseDuration(options.retention ?? "30d");
  const log = options.log;
  let pruned = Number.NEGATIVE_INFINITY;
  return {
    log,
    prune(now) {
      if (!log.prune || now.getTime() - pruned < PRUNE_EVERY_MS) return;
      pruned = now.getTime();
      log.prune(new Date(now.getTime() - retentionMs)).catch(() => {
        pruned = Number.NEGATIVE_INFINITY;
      });
    },
    redact: redactor(options.sensitive),
    sample: rate === 0 ? () => false : rate === 1 ? () => true : () => random() < rate,
    maxBodyBytes,
  };
}
