/** Fault injection over HTTP on the memory store (suite: ./suites/faults.ts). */
import { memoryStore, type Store } from "../../lib";
import { faultyStore } from "../../lib/testing";
import { live, mustCreate } from "./harness";
import { canonical, faultSuite } from "./suites/faults";
import { GROUP_SCHEMA, oktaUser, patchBody } from "../helpers/fixtures";

faultSuite({ name: "memory store", makeStore: () => memoryStore(), describe, test });

/**
 * The control: the same checks must be able to fail. Without `transaction`, a group PATCH that
 * renames and then fails while adding members leaves the rename behind (design.md allows this
 * for stores without transactions: "otherwise in order"). The suite's comparison sees it.
 */
test("control: a store without transactions leaves a partial group PATCH, and the comparison sees it", async () => {
  const full = memoryStore();
  const inner: Store = { users: full.users, groups: full.groups, configure: (c) => full.configure?.(c) };
  const store = faultyStore(inner);
  const ctx = { tenant: "default" };
  const l = await live({ store, logger: { error: () => {} } });
  try {
    const a = await mustCreate(l, "/Users", oktaUser("a@example.com"));
    const b = await mustCreate(l, "/Users", oktaUser("b@example.com"));
    const g = await mustCreate(l, "/Groups", { schemas: [GROUP_SCHEMA], displayName: "Eng", members: [{ value: a }] });
    const before = await canonical(inner, ctx);
    store.setPlan({ failAt: (call) => call.method === "addMembers" });
    const res = await l.call(
      "PATCH",
      `/Groups/${g}`,
      patchBody(
        { op: "replace", path: "displayName", value: "Eng 2" },
        { op: "add", path: "members", value: [{ value: b }] },
      ),
    );
    expect(res.status).toBe(500);
    const after = await canonical(inner, ctx);
    expect(after).not.toEqual(before);
    expect(Object.keys(after as object)).toContain("group:Eng 2");
  } finally {
    await l.close();
  }
});
