/**
 * LISTEN/NOTIFY for the outbox: each append notifies a channel at commit, and every instance's
 * delivery loop listens on one connection of its own, so an event recorded by one instance wakes
 * the others at once instead of at their next safety poll.
 */
import { createHash } from "node:crypto";
import type { PgClientLike, PgPoolLike } from "./pool";

/** One channel per schema (two stores on one database do not wake each other); at most 63 bytes. */
export function notifyChannel(schema: string): string {
  return `scim_events_${createHash("sha1").update(schema).digest("hex").slice(0, 16)}`;
}

type Listening = PgClientLike & {
  on?(event: "notification" | "error", fn: (arg: unknown) => void): void;
};

/** After a lost connection, listen again this much later; the safety poll covers the gap. */
const RELISTEN_MS = 1000;

export async function listen(pool: PgPoolLike, channel: string, wake: () => void): Promise<() => Promise<void>> {
  let client: Listening | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const c = (await pool.connect()) as Listening;
    // A pool without pg's events (a host's own): no LISTEN, the safety poll does the work.
    if (typeof c.on !== "function") {
      c.release();
      return;
    }
    c.on("notification", () => wake());
    c.on("error", (error) => {
      if (client !== c) return;
      client = undefined;
      c.release(error instanceof Error ? error : true);
      if (!stopped) {
        timer = setTimeout(() => void connect().catch(() => undefined), RELISTEN_MS);
        timer.unref();
      }
    });
    await c.query(`LISTEN ${channel}`);
    client = c;
    if (stopped) await stop();
    // Whatever was notified while no one listened.
    wake();
  };
  const stop = async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const c = client;
    client = undefined;
    if (!c) return;
    try {
      await c.query(`UNLISTEN ${channel}`);
      c.release();
    } catch (error) {
      c.release(error instanceof Error ? error : true);
    }
  };
  await connect();
  return stop;
}
