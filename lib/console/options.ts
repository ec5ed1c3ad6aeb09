/** The options of `scimConsole()`, checked once at start-up. */
import type { Request } from "express";
import type { AuditLog } from "../audit/types";
import type { ScimEvents } from "../delivery/handle";
import { isTokenRegistry, type TokenRegistry } from "../auth/registry";
import type { RequestLogOptions } from "../request-log/options";
import type { Store } from "../stores/types";
import type { ReadinessOptions } from "./health";

/**
 * Who may use the console. `"host"`: your own middleware in front of it decides (the console
 * trusts every request that reaches it). A function: the console asks it for every request, and
 * answers 401 when it says no. There is no default: a console left open would hand out tokens.
 */
export type ConsoleAuth = "host" | ((req: Request) => boolean | Promise<boolean>);

export interface ConsoleOptions {
  auth: ConsoleAuth;
  store: Store;
  /** The same object passed to `scim({ requestLog })`, so both redact alike. */
  requestLog: RequestLogOptions;
  /** Where issued tokens live (`store.tokens` for the SQL stores); omitted, the tokens page is off. */
  tokens?: TokenRegistry;
  /** Adds changes recorded by `scim({ audit })` to a resource's history. */
  audit?: AuditLog;
  /** Signs the CSRF tokens; set it when several instances serve the console. Default: random per process. */
  csrfSecret?: string;
  /**
   * Undelivered events now, for the status panel and `/readyz`. With `events` and without this,
   * the deliveries this router's sinks still have to make.
   */
  backlog?: ReadinessOptions["backlog"];
  maxBacklog?: number;
  /**
   * The SCIM router's `router.events`: the Events page shows each sink's backlog and the dead
   * letters, replays them, and forgets a sink no instance has any more.
   */
  events?: Pick<ScimEvents, "deadLetters" | "replay" | "backlog" | "forgetSink">;
}

const KEYS = ["auth", "store", "requestLog", "tokens", "audit", "csrfSecret", "backlog", "maxBacklog", "events"];

export function checkConsoleOptions(options: ConsoleOptions): void {
  if (!options || typeof options !== "object")
    throw new TypeError("express-scim: scimConsole(options) needs an options object.");
  const unknown = Object.keys(options).find((k) => !KEYS.includes(k));
  if (unknown) throw new TypeError(`express-scim: unknown scimConsole option "${unknown}"; known: ${KEYS.join(", ")}.`);
  if (options.auth !== "host" && typeof options.auth !== "function")
    throw new TypeError(
      'express-scim: scimConsole needs an explicit `auth`: "host" when your own middleware in front of it ' +
        "authenticates admins, or a function (req) => boolean. The console issues tokens; it never runs open.",
    );
  if (!options.store || typeof options.store.users?.get !== "function")
    throw new TypeError("express-scim: scimConsole needs the `store` the SCIM router uses.");
  if (options.tokens !== undefined && !isTokenRegistry(options.tokens))
    throw new TypeError("express-scim: scimConsole `tokens` must be a token registry, e.g. store.tokens.");
  if (
    options.events !== undefined &&
    (["deadLetters", "replay", "backlog", "forgetSink"] as const).some(
      (name) => typeof options.events?.[name] !== "function",
    )
  )
    throw new TypeError("express-scim: scimConsole `events` must be the SCIM router's `router.events`.");
  if (options.csrfSecret !== undefined && (typeof options.csrfSecret !== "string" || options.csrfSecret.length < 16))
    throw new TypeError("express-scim: csrfSecret must be a string of at least 16 characters.");
}
