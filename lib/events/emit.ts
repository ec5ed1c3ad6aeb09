/**
 * Delivers events to the host's listeners in order. Synchronous listeners finish before the
 * response is sent; promises are not awaited (a slow mailer must not hold Okta's request), but
 * their rejections are caught and logged like throws.
 */
import type { EventListeners, ScimEvent } from "./types";
import type { Logger } from "../logger";

export function emitAll(listeners: EventListeners | undefined, events: readonly ScimEvent[], logger: Logger): void {
  if (!listeners) return;
  for (const event of events) {
    const listener = listeners[event.type] as ((e: ScimEvent) => unknown) | undefined;
    if (!listener) continue;
    const fail = (err: unknown) => logger.error({ err, event: event.type, id: event.id }, "event listener failed");
    try {
      const result = listener(event);
      if (result && typeof (result as Promise<unknown>).then === "function")
        (result as Promise<unknown>).then(undefined, fail);
    } catch (err) {
      fail(err);
    }
  }
}
