/**
 * Group membership of one tenant, indexed both ways so that adding, removing and asking
 * "which groups is this user in" each cost what the change costs, not what a group weighs.
 */
import type { Journal } from "./table";

type MemberType = "User" | "Group";

export class Memberships {
  private readonly byGroup = new Map<string, Map<string, MemberType>>();
  private readonly byMember = new Map<string, Set<string>>();
  /** Member ids in order, built when a group is read and dropped when it changes: paging needs an order. */
  private readonly ordered = new Map<string, string[]>();

  membersOf(groupId: string): ReadonlyMap<string, MemberType> {
    return this.byGroup.get(groupId) ?? new Map();
  }

  /** The group's member ids sorted by code unit, the order reads and pages use. */
  sortedMembersOf(groupId: string): readonly string[] {
    let ids = this.ordered.get(groupId);
    if (!ids) {
      ids = [...this.membersOf(groupId).keys()].sort();
      if (ids.length > 0) this.ordered.set(groupId, ids);
    }
    return ids;
  }

  groupsOf(memberId: string): ReadonlySet<string> {
    return this.byMember.get(memberId) ?? new Set();
  }

  has(groupId: string, memberId: string): boolean {
    return this.byGroup.get(groupId)?.has(memberId) ?? false;
  }

  add(groupId: string, memberId: string, type: MemberType, journal: Journal): void {
    if (this.has(groupId, memberId)) return;
    let members = this.byGroup.get(groupId);
    if (!members) {
      members = new Map();
      this.byGroup.set(groupId, members);
    }
    members.set(memberId, type);
    this.ordered.delete(groupId);
    let groups = this.byMember.get(memberId);
    if (!groups) {
      groups = new Set();
      this.byMember.set(memberId, groups);
    }
    groups.add(groupId);
    journal(() => this.remove(groupId, memberId, () => {}));
  }

  remove(groupId: string, memberId: string, journal: Journal): void {
    const members = this.byGroup.get(groupId);
    const type = members?.get(memberId);
    if (!members || type === undefined) return;
    members.delete(memberId);
    this.ordered.delete(groupId);
    if (members.size === 0) this.byGroup.delete(groupId);
    const groups = this.byMember.get(memberId);
    groups?.delete(groupId);
    if (groups?.size === 0) this.byMember.delete(memberId);
    journal(() => this.add(groupId, memberId, type, () => {}));
  }

  /** Removes a resource from everywhere it appears: as a group and as a member. Returns groups it left. */
  forget(id: string, journal: Journal): string[] {
    const left = [...this.groupsOf(id)];
    for (const groupId of left) this.remove(groupId, id, journal);
    for (const memberId of [...this.membersOf(id).keys()]) this.remove(id, memberId, journal);
    return left;
  }
}
