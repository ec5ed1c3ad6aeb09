/**
 * The outbox as a host sees it (issue 18): what an event records (redacted patch, changed
 * attributes, chunked member ids), that it exists exactly when the write committed, the feed in
 * code and over HTTP, and dead letters with their replay. Time is an injected clock.
 */
import request from "supertest";
import { ALL_SCOPES, FEED_SCOPE, memoryStore, type EventEnvelope, type ScimEvent, type Store } from "../../lib";
import { sqliteStore } from "../../lib/stores/sqlite";
import { createUser, host } from "./app";
import { GROUP_SCHEMA, TOKEN, expectScimError, oktaUser, patchBody } from "../helpers/fixtures";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const FEED_TOKEN = "feed-reader-token-0123456789";

const feedOf = async (h: ReturnType<typeof host>, tenant = "default") =>
  (await h.events!.read(tenant, 0, 1000)) as EventEnvelope[];

describe("what an event records", () => {
  test("a create and a PATCH: actor, seq, changed names, a patch with password and host-marked attributes redacted", async () => {
    const h = host({ delivery: { redact: [`${ENTERPRISE}:employeeNumber`, "title"] } });
    const id = await createUser(h, "ada@example.com", {
      password: "Sup3rS3cret!",
      title: "CTO",
      [ENTERPRISE]: { employeeNumber: "E-1", department: "R&D" },
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
    });
    await h
      .patch(
        `/Users/${id}`,
        patchBody(
          { op: "replace", path: "displayName", value: "Ada L." },
          { op: "replace", path: "title", value: "CEO" },
          { op: "replace", path: "password", value: "An0ther!" },
          { op: "replace", path: "active", value: false },
        ),
      )
      .expect(200);
    const feed = await feedOf(h);
    expect(feed.map((e) => [e.seq, e.type, e.resourceType, e.resourceId, e.actor])).toEqual([
      [1, "user.created", "User", id, "token #1"],
      [2, "user.updated", "User", id, "token #1"],
      [3, "user.deactivated", "User", id, "token #1"],
    ]);
    const text = JSON.stringify(feed);
    for (const secret of ["Sup3rS3cret!", "An0ther!", "E-1", "CTO", "CEO"]) expect(text).not.toContain(secret);
    expect(feed[0]!.data.resource).toMatchObject({ userName: "ada@example.com", [ENTERPRISE]: { department: "R&D" } });
    expect(feed[1]!.data.changed).toEqual(expect.arrayContaining(["displayName", "title"]));
    expect(feed[1]!.data.patch).toEqual([{ op: "replace", path: "/displayName", value: "Ada L." }]);
    expect(feed[2]!.data).toMatchObject({
      changed: ["active"],
      patch: [{ op: "replace", path: "/active", value: false }],
    });
  });

  test("a 10,000-member PUT is ten events of 1,000 ids, and listeners get them all", async () => {
    const store = memoryStore();
    const received: ScimEvent[] = [];
    const h = host({
      store,
      events: { "group.members.added": (e) => void received.push(e) },
      limits: { maxMembersPerRequest: 10_000 },
    });
    const ids: string[] = [];
    for (let i = 0; i < 10_000; i++)
      ids.push((await store.users.create({ tenant: "default" }, { userName: `m${i}@example.com` })).id);
    const gid = (await h.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Everyone" }).expect(201)).body.id;
    await h
      .put(`/Groups/${gid}`, {
        schemas: [GROUP_SCHEMA],
        displayName: "Everyone",
        members: ids.map((value) => ({ value })),
      })
      .expect(200);
    const added = (await feedOf(h)).filter((e) => e.type === "group.members.added");
    expect(added).toHaveLength(10);
    expect(added.flatMap((e) => e.data.members?.added ?? []).sort()).toEqual([...ids].sort());
    expect(received.flatMap((e) => (e.type === "group.members.added" ? e.members : []))).toHaveLength(10_000);
  }, 60_000);
});

describe("an event exists exactly when its write committed", () => {
  /** A store whose outbox fails its appends: after recording (`late`) or before. */
  function failingAppends(base: Store, late: boolean): Store {
    const wrap = (s: Store): Store => ({
      ...s,
      outbox: {
        ...s.outbox!,
        append: async (ctx, events, sinks) => {
          if (late) await s.outbox!.append(ctx, events, sinks);
          throw new Error("disk full");
        },
      },
      transaction: (fn) => s.transaction!((tx) => fn(wrap(tx))),
    });
    return wrap(base);
  }

  for (const [name, make] of [
    ["memory", () => memoryStore()],
    ["sqlite", () => sqliteStore({ filename: ":memory:", migrate: true })],
  ] as const) {
    for (const late of [false, true]) {
      test(`${name}: an append that fails ${late ? "after recording" : "outright"} rolls the write back, and nothing is delivered`, async () => {
        const store = make();
        const heard: string[] = [];
        const h = host({
          store: failingAppends(store, late),
          events: { "user.created": ({ id }) => void heard.push(id) },
          logger: { error: () => {} },
        });
        await h.post("/Users", oktaUser("lost@example.com")).expect(500);
        expect((await store.users.query({ tenant: "default" }, { startIndex: 1, count: 10 })).total).toBe(0);
        expect(await store.outbox!.read({ tenant: "default" }, 0, 10)).toEqual([]);
        expect(heard).toEqual([]);
      });
    }
  }

  test("a write refused by its hook records nothing", async () => {
    const h = host({
      hooks: {
        users: {
          beforeCreate: () => {
            throw new Error("no");
          },
        },
      },
      logger: { error: () => {} },
    });
    await h.post("/Users", oktaUser("x@example.com")).expect(500);
    expect(await feedOf(h)).toEqual([]);
  });
});

describe("the feed over HTTP", () => {
  const feedHost = () =>
    host({
      delivery: { feed: true },
      tokens: [
        { token: TOKEN, scopes: [...ALL_SCOPES] },
        { token: FEED_TOKEN, scopes: [FEED_SCOPE], label: "sync job" },
      ],
    });

  test("GET /Events pages after a cursor; it needs get:events", async () => {
    const h = feedHost();
    const a = await createUser(h, "a@example.com");
    const b = await createUser(h, "b@example.com");
    await h.get("/Events").expect(403);
    const read = (query: string) =>
      request(h.app).get(`/scim/v2/Events${query}`).set("Authorization", `Bearer ${FEED_TOKEN}`);
    const first = await read("?count=1").expect(200);
    expect(first.body.events.map((e: EventEnvelope) => [e.seq, e.type, e.resourceId])).toEqual([
      [1, "user.created", a],
    ]);
    const rest = await read(`?after=${first.body.next}`).expect(200);
    expect(rest.body.events.map((e: EventEnvelope) => e.resourceId)).toEqual([b]);
    expect((await read(`?after=${rest.body.next}`).expect(200)).body).toEqual({ events: [], next: 2 });
    expectScimError(await read("?after=-1"), 400, "invalidValue");
  });

  test("without delivery.feed there is no /Events", async () => {
    const h = host();
    await h.get("/Events").expect(404);
  });
});

describe("retries and dead letters", () => {
  test("a listener failing for longer than deadLetterAfter is a dead letter; replay delivers it", async () => {
    let now = Date.parse("2026-01-01T00:00:00.000Z");
    let down = true;
    const heard: string[] = [];
    const h = host({
      events: {
        "user.created": ({ id }) => {
          if (down) throw new Error("crm down");
          heard.push(id);
        },
      },
      delivery: { clock: () => now, random: () => 0.5, deadLetterAfter: "1h" },
      logger: { error: () => {} },
    });
    const id = await createUser(h, "d@example.com");
    // Backoff doubles from 5 s; an hour of failures is a dozen attempts, not a tight loop.
    let attempts = 1;
    while ((await h.events!.deadLetters()).length === 0) {
      now += 10 * 60 * 1000;
      await h.events!.idle();
      attempts++;
      expect(attempts).toBeLessThan(20);
    }
    const [dead] = await h.events!.deadLetters();
    expect(dead).toMatchObject({ sink: "listeners", error: "listener failed: crm down", event: { resourceId: id } });
    expect(heard).toEqual([]);
    down = false;
    expect(await h.events!.replay()).toBe(1);
    await h.events!.idle();
    expect(heard).toEqual([id]);
    expect(await h.events!.deadLetters()).toEqual([]);
  });
});

describe("a sink removed from every instance", () => {
  test("events.forgetSink drops its deliveries so its events can be pruned; a sink of this router is refused", async () => {
    const store = memoryStore();
    const crm = { name: "crm", deliver: async () => ({ ok: false as const, error: "crm down" }) };
    const before = host({ store, delivery: { sinks: [crm] }, logger: { error: () => {}, warn: () => {} } });
    await createUser(before, "a@example.com");
    await createUser(before, "b@example.com");
    await before.events!.stop();
    // The next deploy has no "crm": nothing delivers its two pending events, and they are never pruned.
    const after = host({ store, events: { "user.created": () => {} } });
    const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000);
    await store.outbox!.prune(tomorrow);
    expect((await after.events!.read("default")).length).toBe(2);

    await expect(after.events!.forgetSink("listeners")).rejects.toThrow(/"listeners" is a sink of this router/);
    expect(await after.events!.forgetSink("crm")).toBe(2);
    expect(await after.events!.forgetSink("crm")).toBe(0);
    await store.outbox!.prune(tomorrow);
    expect(await after.events!.read("default")).toEqual([]);
  });
});
