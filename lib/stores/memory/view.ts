/** What filters and sorts see of a stored row: the record plus `id` and `meta` (RFC 7643 3.1). */
import type { Row } from "./table";
import type { Member } from "../types";

export function viewOf(row: Row, members?: () => Member[]): Record<string, unknown> {
  const view: Record<string, unknown> = {
    ...row.record,
    id: row.id,
    meta: { created: row.created, lastModified: row.lastModified, version: String(row.version) },
  };
  // Lazy, so `members.value eq "x"` pays for the member list and other filters do not.
  if (members) Object.defineProperty(view, "members", { get: members, enumerable: true });
  return view;
}
