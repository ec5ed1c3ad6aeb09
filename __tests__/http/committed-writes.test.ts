/**
 * A committed write is never reported as failed. When the read that completes the answer fails
 * (fault injection on the store), the request still answers with its success status, built from
 * what the write returned, and the write's events are emitted: otherwise the IdP retries a no-op
 * (Okta's deactivation changes nothing the second time) and `user.deactivated` is never heard.
 */
import type { ScimEvent, Store } from "../../lib";
import { memoryStore } from "../../lib";
import { faultyStore, type FaultyStore, type StoreCall } from "../../lib/testing";
import { createGroup, createUser, host, type TestHost } from "./app";
import { GROUP_SCHEMA, PATCH_OP } from "../helpers/fixtures";

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

function setup() {
  const store: FaultyStore = faultyStore(memoryStore());
  const events: ScimEvent[] = [];
  const logged: unknown[] = [];
  const record = (e: ScimEvent) => void events.push(e);
  const h: TestHost = host({
    store: store as Store,
    rateLimit: false,
    logger: { error: (obj) => void logged.push((obj as { err?: unknown }).err) },
    events: {
      "user.deactivated": record,
      "user.updated": record,
      "group.created": record,
      "group.updated": record,
      "group.members.added": record,
      "group.members.removed": record,
    },
  });
  /** From now on, every call `fails` picks throws (the store is not reached); events so far are forgotten. */
  const failReads = (fails: (call: StoreCall) => boolean) => {
    events.length = 0;
    store.reset();
    store.setPlan({ failAt: fails });
  };
  return { h, store, events, logged, failReads };
}

describe("a committed write whose read-after fails", () => {
  test("Okta's deactivation: 200 with active false, and user.deactivated is emitted", async () => {
    const { h, events, logged, failReads } = setup();
    const id = await createUser(h, "ada@example.com");
    failReads((call) => call.method === "groupsOf" || call.method === "groupsOfMany");
    const res = await h.patch(`/Users/${id}`, patch({ op: "replace", value: { active: false } }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, active: false });
    expect(res.headers.etag).toMatch(/^W\/"/);
    // Only User.groups needed the failed read.
    expect(res.body.groups).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(["user.deactivated"]);
    expect(logged).toHaveLength(1);
    await h
      .get(`/Users/${id}?attributes=active`)
      .expect(200)
      .expect((r) => expect(r.body.active).toBe(false));
  });

  test("PUT /Users: 200 from the write, user.updated emitted", async () => {
    const { h, events, failReads } = setup();
    const id = await createUser(h, "bob@example.com");
    failReads((call) => call.method === "groupsOf" || call.method === "groupsOfMany");
    const res = await h.put(`/Users/${id}`, {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "bob@example.com",
      title: "Boss",
    });
    expect(res.status).toBe(200);
    expect(res.body.title).toBe("Boss");
    expect(events.map((e) => e.type)).toEqual(["user.updated"]);
  });

  test("POST /Groups: 201 with the members as written, and its events", async () => {
    const { h, events, failReads } = setup();
    const ada = await createUser(h, "ada@example.com");
    failReads((call) => call.resource === "groups" && call.method === "get");
    const res = await h.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Eng", members: [{ value: ada }] });
    expect(res.status).toBe(201);
    expect(res.body.id).toEqual(expect.any(String));
    expect(res.headers.location).toContain(res.body.id);
    expect(res.body.members.map((m: { value: string }) => m.value)).toEqual([ada]);
    expect(events.map((e) => e.type)).toEqual(["group.created", "group.members.added"]);
  });

  test("PUT /Groups: 200 with the members as written, and its events", async () => {
    const { h, events, failReads } = setup();
    const ada = await createUser(h, "ada@example.com");
    const bob = await createUser(h, "bob@example.com");
    const gid = await createGroup(h, "Eng", [ada]);
    // The read inside the transaction is the write's own; the one after it fails.
    failReads((call) => call.resource === "groups" && call.method === "get" && !call.inTransaction);
    const res = await h.put(`/Groups/${gid}`, {
      schemas: [GROUP_SCHEMA],
      displayName: "Eng",
      members: [{ value: bob }],
    });
    expect(res.status).toBe(200);
    expect(res.body.members.map((m: { value: string }) => m.value)).toEqual([bob]);
    expect(events.map((e) => e.type).sort()).toEqual(["group.members.added", "group.members.removed"]);
  });

  test("PATCH /Groups asking for attributes: 204 (always a valid PATCH answer), and its events", async () => {
    const { h, events, failReads } = setup();
    const ada = await createUser(h, "ada@example.com");
    const gid = await createGroup(h, "Eng");
    failReads((call) => call.resource === "groups" && call.method === "get" && !call.inTransaction);
    const res = await h.patch(
      `/Groups/${gid}?attributes=members`,
      patch({ op: "add", path: "members", value: [{ value: ada }] }),
    );
    expect(res.status).toBe(204);
    expect(events.map((e) => e.type)).toEqual(["group.members.added"]);
  });
});
