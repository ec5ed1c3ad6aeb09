/** What filters and sorts see of a stored row: the record plus `id` and `meta` (RFC 7643 3.1). */
import type { Row } from "./row";
import type { Member } from "../../schema/types";

export function viewOf(row: Row, members?: () => Member[]): Record<string, unknown> {
  const view: Record<string, unknown> = {
    ...row.record,
    id: row.id,
    meta: { created: row.created, lastModified: row.lastModified, version: String(row.version) },
  };
  // Lazy: filters read members from the membership index (member-filter.ts), so only a sort by
  // members from a direct store caller (the router refuses it) ever builds the list.
  if (members) Object.defineProperty(view, "members", { get: members, enumerable: true });
  return view;
}
