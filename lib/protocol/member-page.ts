/**
 * Paging one group's member list: `GET /Groups/{id}?membersCount=N&membersCursor=C` (docs/groups.md
 * says why this and not the draft GroupMember resource). RFC 7644 pages resources, never the
 * values of one attribute, so the parameters are ours; they follow RFC 9865 in spirit: an opaque
 * cursor naming the last member returned, members in one stable order (by value), no offsets.
 */
import { invalidValue } from "./errors";

export interface MemberPaging {
  count: number;
  /** The value of the last member already returned. */
  after?: string;
}

export const MEMBER_PAGE_PARAMS = { count: "membersCount", cursor: "membersCursor" } as const;

/** A cursor names a member id, which the client already saw; it opens nothing the client cannot read. */
export function memberCursor(lastValue: string): string {
  return Buffer.from(lastValue, "utf8").toString("base64url");
}

/**
 * Undefined when neither parameter is given (the whole list). `membersCount` is cut to `max`
 * and read as at least 1, as RFC 7644 3.4.2.4 cuts `count`; a cursor without a count pages by `max`.
 */
export function parseMemberPaging(rawCount: unknown, cursor: unknown, max: number): MemberPaging | undefined {
  const count = rawCount === "" ? undefined : rawCount;
  if (count === undefined && cursor === undefined) return undefined;
  const n = count === undefined ? max : typeof count === "string" ? Number(count.trim()) : Number.NaN;
  if (!Number.isInteger(n)) throw invalidValue(`${MEMBER_PAGE_PARAMS.count} must be an integer.`);
  const paging: MemberPaging = { count: Math.min(Math.max(1, n), max) };
  if (cursor !== undefined) paging.after = decode(cursor);
  return paging;
}

function decode(cursor: unknown): string {
  const text = typeof cursor === "string" ? cursor : "";
  const value = Buffer.from(text, "base64url").toString("utf8");
  // Only what memberCursor() writes decodes back to the same text.
  if (text === "" || memberCursor(value) !== text) {
    throw invalidValue(`${MEMBER_PAGE_PARAMS.cursor} is not a cursor this server issued.`);
  }
  return value;
}
