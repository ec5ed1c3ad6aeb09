/**
 * Event ids: RFC 9562 version 7 UUIDs, whose first 48 bits are the time in milliseconds. Ids made
 * one after another sort together, so the SQL stores' unique index on them grows at one end
 * instead of touching a random page per event (a random UUID's index writes show in every
 * write's latency once the outbox is large). The rest is random, from a version 4 UUID.
 */
import { randomUUID } from "node:crypto";

export function eventId(ms: number): string {
  const time = Math.max(0, Math.floor(ms)).toString(16).padStart(12, "0").slice(-12);
  const random = randomUUID();
  // xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx: the variant bits (y) are already RFC 9562's.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15)}`;
}
