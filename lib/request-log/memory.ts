/** A request log in a fixed-size ring: the last `size` requests, oldest dropped first. */
import { statusClassOf, type RequestLog, type RequestLogEntry, type RequestLogSummary } from "./types";
import { summarize } from "./summary";

export function memoryRequestLog(options: { size?: number } = {}): RequestLog {
  const size = options.size ?? 1000;
  if (!Number.isInteger(size) || size < 1)
    throw new TypeError("express-scim: memoryRequestLog size must be a positive integer.");
  const ring: RequestLogEntry[] = [];
  let next = 0;
  const newestFirst = () => (ring.length < size ? [...ring] : [...ring.slice(next), ...ring.slice(0, next)]).reverse();
  return {
    append(entry) {
      const copy = { ...entry };
      if (ring.length < size) ring.push(copy);
      else ring[next] = copy;
      next = (next + 1) % size;
    },
    async list({ tenant, statusClass, tokenId, resourceId, startIndex = 1, count = 50 }) {
      const found = newestFirst().filter(
        (e) =>
          (tenant === undefined || e.tenant === tenant) &&
          (statusClass === undefined || statusClassOf(e.status) === statusClass) &&
          (tokenId === undefined || e.tokenId === tokenId) &&
          (resourceId === undefined || e.resourceId === resourceId),
      );
      const start = Math.max(1, startIndex) - 1;
      return { total: found.length, items: found.slice(start, start + Math.max(0, count)) };
    },
    get: async (id) => ring.find((e) => e.id === id) ?? null,
    summary: async (since): Promise<RequestLogSummary> => summarize(newestFirst(), since),
  };
}
