/** RFC 7644 3.4.2.4 (pagination) and 3.4.2 (ListResponse). */
import { badRequest } from "./errors";
import { LIST_RESPONSE_SCHEMA } from "../schema/urns";

export interface Paging {
  startIndex: number;
  count: number;
  /**
   * RFC 9865: present when the client pages by cursor; "" asks for the first page. startIndex is
   * then 1 and means nothing.
   */
  cursor?: string;
}

function integer(name: string, raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === "") return undefined;
  // Only numbers and strings: a SearchRequest body can carry any JSON, and objects may not even
  // convert to a string.
  const n = typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw.trim()) : NaN;
  if (!Number.isFinite(n) || !Number.isInteger(n)) {
    throw badRequest("invalidValue", `${name} must be an integer.`);
  }
  return n;
}

/**
 * RFC 7644 3.4.2.4: startIndex below 1 is read as 1, a negative count as 0, and a count above
 * the server's maximum is cut to it (not refused: Okta asks for 100, others for more).
 */
export function parsePaging(
  startIndex: unknown,
  count: unknown,
  limits: { defaultCount: number; maxCount: number },
): Paging {
  const start = integer("startIndex", startIndex) ?? 1;
  const wanted = integer("count", count) ?? limits.defaultCount;
  return { startIndex: Math.max(1, start), count: Math.min(Math.max(0, wanted), limits.maxCount) };
}

/**
 * RFC 9865 2.1: `cursor` with no value asks for the first page by cursor, with a value for the
 * page it names. A request may page by index or by cursor, not both.
 */
export function parseCursorPaging(
  cursor: unknown,
  startIndex: unknown,
  count: unknown,
  limits: { defaultCount: number; maxCount: number },
): Paging {
  const paging = parsePaging(startIndex, count, limits);
  if (cursor === undefined || cursor === null) return paging;
  if (typeof cursor !== "string") throw badRequest("invalidValue", "cursor must be a string.");
  if (startIndex !== undefined && startIndex !== null && startIndex !== "")
    throw badRequest("invalidValue", "A request pages by startIndex or by cursor, not both.");
  return { ...paging, cursor };
}

export interface ListResponse<T> {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

export function listResponse<T>(total: number, paging: Paging, resources: T[]): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: total,
    startIndex: paging.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/**
 * A ListResponse whose resources are produced one at a time. The page's size is known before any
 * resource is rendered (the store has answered), so the envelope can go out first; a page of
 * 1,000 groups of 10,000 members is then never one string (V8 refuses strings over ~512 MB:
 * `RangeError: Invalid string length`) nor one object graph in memory.
 */
export interface ListPage<T> {
  totalResults: number;
  /** Index paging only: RFC 9865 pages carry `nextCursor` instead. */
  startIndex?: number;
  itemsPerPage: number;
  /** RFC 9865 2.2: the cursor of the next page; absent on the last one. */
  nextCursor?: string;
  resources: AsyncIterable<T>;
}

export function listPage<T>(
  total: number,
  paging: Paging,
  itemsPerPage: number,
  resources: AsyncIterable<T>,
): ListPage<T> {
  return { totalResults: total, startIndex: paging.startIndex, itemsPerPage, resources };
}

export function cursorPage<T>(
  total: number,
  itemsPerPage: number,
  nextCursor: string | undefined,
  resources: AsyncIterable<T>,
): ListPage<T> {
  return { totalResults: total, itemsPerPage, ...(nextCursor ? { nextCursor } : {}), resources };
}

/**
 * The page as JSON text, byte for byte what JSON.stringify(listResponse(...)) gives, in pieces:
 * the envelope with the first resource, then one piece per resource, then the closing brackets.
 * The first piece waits for the first resource, so a store that fails at once still gets an
 * ordinary error response.
 */
export async function* listPageJson<T>(page: ListPage<T>): AsyncGenerator<string> {
  const { totalResults, startIndex, itemsPerPage, nextCursor } = page;
  // Resources last: the prefix below is the envelope up to its opening bracket.
  const empty = {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    ...(startIndex !== undefined ? { startIndex } : {}),
    itemsPerPage,
    ...(nextCursor !== undefined ? { nextCursor } : {}),
    Resources: [] as T[],
  };
  // The envelope up to and including the `[` that opens Resources.
  let prefix = JSON.stringify(empty).slice(0, -2);
  for await (const resource of page.resources) {
    yield prefix + JSON.stringify(resource);
    prefix = ",";
  }
  yield `${prefix === "," ? "" : prefix}]}`;
}
