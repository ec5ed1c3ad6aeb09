import createDebug from "debug";
import request from "supertest";
import { memoryAuditLog, ScimError, type ScimEvent, type ScimOptions } from "../../lib";
import { EVENT_TYPES } from "../../lib/events/types";
import { createUser, host } from "./app";
import { GROUP_SCHEMA, PATCH_OP, TOKEN, expectScimError, oktaUser } from "../helpers/fixtures";

const afterTest: (() => void)[] = [];
afterEach(() => {
  for (const fn of afterTest.splice(0)) fn();
});

/** A host recording every event, audit record and log line it is given. */
function recorded(extra: Partial<ScimOptions> = {}) {
  const events: ScimEvent[] = [];
  const logs: unknown[] = [];
  const audit = memoryAuditLog();
  const listeners = Object.fromEntries(EVENT_TYPES.map((t) => [t, (e: ScimEvent) => void events.push(e)]));
  const h = host({ events: listeners, audit, logger: { error: (obj) => logs.push(obj) }, ...extra });
  return { h, events, logs, audit, names: () => events.map((e) => e.type) };
}

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

describe("events", () => {
  test("Okta's deactivation and reactivation: exactly one event each, nothing else", async () => {
    const { h, events, names } = recorded();
    const id = await createUser(h, "okta@example.com");
    await h.patch(`/Users/${id}`, patch({ op: "replace", value: { active: false } })).expect(200);
    await h.patch(`/Users/${id}`, patch({ op: "replace", value: { active: false } })).expect(200);
    await h.put(`/Users/${id}`, oktaUser("okta@example.com", { active: true })).expect(200);
    expect(names()).toEqual(["user.created", "user.deactivated", "user.reactivated"]);
    expect(events[1]).toMatchObject({ type: "user.deactivated", id, tenant: "default", resource: { active: false } });
  });

  test("a profile update is one user.updated naming the changed attributes", async () => {
    const { h, events, names } = recorded();
    const id = await createUser(h, "p@example.com");
    await h
      .patch(
        `/Users/${id}`,
        patch({ op: "replace", path: "title", value: "CTO" }, { op: "replace", path: "active", value: false }),
      )
      .expect(200);
    expect(names()).toEqual(["user.created", "user.updated", "user.deactivated"]);
    expect(events[1]).toMatchObject({ type: "user.updated", changed: ["title"] });
  });

  test("Okta's group push: created, renamed (idempotently), members batched per request, deleted", async () => {
    const { h, events, names } = recorded();
    const [a, b, c] = [await createUser(h, "a@x.com"), await createUser(h, "b@x.com"), await createUser(h, "c@x.com")];
    events.length = 0;
    const gid = (await h.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Push", members: [] }).expect(201))
      .body.id;
    const rename = { op: "replace", value: { id: gid, displayName: "Pushed" } };
    await h.patch(`/Groups/${gid}`, patch(rename)).expect(204);
    await h
      .patch(`/Groups/${gid}`, patch(rename, { op: "add", path: "members", value: [{ value: a }, { value: b }] }))
      .expect(204);
    await h
      .patch(
        `/Groups/${gid}`,
        patch(
          rename,
          { op: "remove", path: `members[value eq "${a}"]` },
          { op: "add", path: "members", value: [{ value: c }] },
        ),
      )
      .expect(204);
    await h.delete(`/Groups/${gid}`).expect(204);
    expect(names()).toEqual([
      "group.created",
      "group.updated",
      "group.members.added",
      "group.members.removed",
      "group.members.added",
      "group.deleted",
    ]);
    expect(events[1]).toMatchObject({ changed: ["displayName"] });
    expect(events[2]).toMatchObject({ id: gid, members: [a, b] });
    expect(events[3]).toMatchObject({ members: [a] });
    expect(events[4]).toMatchObject({ members: [c] });
  });

  test("PUT of a whole group reports who joined and who left", async () => {
    const { h, events, names } = recorded();
    const [a, b] = [await createUser(h, "a@x.com"), await createUser(h, "b@x.com")];
    const gid = (await h.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Saml", members: [{ value: a }] }))
      .body.id;
    events.length = 0;
    await h
      .put(`/Groups/${gid}`, { schemas: [GROUP_SCHEMA], displayName: "Saml", members: [{ value: b }] })
      .expect(200);
    expect(names()).toEqual(["group.members.removed", "group.members.added"]);
    expect(events.map((e) => ("members" in e ? e.members : []))).toEqual([[a], [b]]);
  });

  test("a failing listener is logged, the request still succeeds, and the event is retried in order", async () => {
    const logs: { event?: string; error?: string }[] = [];
    let now = Date.parse("2026-01-01T00:00:00.000Z");
    let mailerDown = true;
    const seen: string[] = [];
    const h = host({
      events: {
        "user.created": ({ id }) => {
          if (mailerDown) throw new Error("mailer down");
          seen.push(`created ${id}`);
        },
        "user.deleted": async ({ id }) => void seen.push(`deleted ${id}`),
      },
      logger: { error: (obj) => logs.push(obj) },
      delivery: { clock: () => now, random: () => 0 },
    });
    const id = await createUser(h, "l@example.com");
    // The user's next event waits behind the failed one: listeners see a resource's events in order.
    await h.delete(`/Users/${id}`).expect(204);
    expect(logs).toEqual([expect.objectContaining({ event: "user.created", error: "listener failed: mailer down" })]);
    expect(seen).toEqual([]);
    mailerDown = false;
    now += 60_000;
    await h.events!.idle();
    expect(seen).toEqual([`created ${id}`, `deleted ${id}`]);
  });

  test("no secrets in events, audit records, logs or debug output", async () => {
    const debugLines: string[] = [];
    const previousLog = createDebug.log;
    createDebug.enable("express-scim:*");
    createDebug.log = (...args: unknown[]) => void debugLines.push(args.map(String).join(" "));
    afterTest.push(() => {
      createDebug.disable();
      createDebug.log = previousLog;
    });
    const { h, events, logs, audit } = recorded();
    const id = await createUser(h, "secret@example.com", { password: "Sup3rS3cret!" });
    await h.put(`/Users/${id}`, oktaUser("secret@example.com", { password: "An0therS3cret!" })).expect(200);
    await h.patch(`/Users/${id}`, patch({ op: "replace", path: "password", value: "Th1rdS3cret!" })).expect(200);
    await request(h.app).get("/scim/v2/Users").set("Authorization", "Bearer a-real-looking-secret-sent-wrongly");
    const everything = JSON.stringify([events, logs, (await audit.list({})).items, debugLines]);
    for (const secret of ["Sup3rS3cret", "An0therS3cret", "Th1rdS3cret", TOKEN, "a-real-looking-secret-sent-wrongly"])
      expect(everything).not.toContain(secret);
    expect(debugLines.some((l) => l.includes("express-scim:patch") && l.includes("replace password"))).toBe(true);
    expect(debugLines.some((l) => l.includes("express-scim:auth"))).toBe(true);
  });
});

describe("hooks", () => {
  test("a before-hook vetoes with a ScimError: that is the response and nothing is written", async () => {
    const seen: unknown[] = [];
    const h = host({
      hooks: {
        users: {
          beforeCreate: ({ resource, principal, tenant }) => {
            seen.push({ userName: resource.userName, label: principal.label, tenant });
            if (String(resource.userName).endsWith("@blocked.example"))
              throw new ScimError(400, "invalidValue", "This domain is not provisioned here.");
          },
        },
      },
    });
    const res = await h.post("/Users", oktaUser("eve@blocked.example"));
    expectScimError(res, 400, "invalidValue");
    expect(res.body.detail).toBe("This domain is not provisioned here.");
    expect((await h.get("/Users").expect(200)).body.totalResults).toBe(0);
    await createUser(h, "ok@example.com");
    expect(seen).toEqual([
      { userName: "eve@blocked.example", label: "token #1", tenant: "default" },
      { userName: "ok@example.com", label: "token #1", tenant: "default" },
    ]);
  });

  test("beforePatch and beforeReplace see the current resource and the incoming one", async () => {
    const calls: { current: unknown; resource: unknown }[] = [];
    const record = ({ current, resource }: { current: Record<string, unknown>; resource: Record<string, unknown> }) =>
      void calls.push({ current: current.active, resource: resource.active });
    const h = host({ hooks: { users: { beforePatch: record, beforeReplace: record } } });
    const id = await createUser(h, "hooked@example.com");
    await h.patch(`/Users/${id}`, patch({ op: "replace", value: { active: false } })).expect(200);
    await h.put(`/Users/${id}`, oktaUser("hooked@example.com", { active: true })).expect(200);
    expect(calls).toEqual([
      { current: true, resource: false },
      { current: false, resource: true },
    ]);
  });

  test("beforeDelete can refuse, and the group stays", async () => {
    const h = host({
      hooks: {
        groups: {
          beforeDelete: () => {
            throw new ScimError(409, undefined, "Group is in use.");
          },
        },
      },
    });
    const gid = (await h.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Keep" })).body.id;
    expectScimError(await h.delete(`/Groups/${gid}`), 409);
    await h.get(`/Groups/${gid}`).expect(200);
  });

  test("transactional hooks: a hook's own store write rolls back with a failing request", async () => {
    const h = host({
      hooks: {
        transactional: true,
        users: {
          beforeCreate: async ({ store, tenant }) => {
            await store.groups.create({ tenant }, { displayName: "made-by-hook" });
          },
        },
      },
    });
    await createUser(h, "dup@example.com");
    expectScimError(await h.post("/Users", oktaUser("DUP@example.com")), 409, "uniqueness");
    // One group from the first (successful) create; the failed one's group rolled back.
    const groups = (await h.get("/Groups").expect(200)).body;
    expect(groups.totalResults).toBe(1);
  });

  test("unknown hook or event names fail at start-up", () => {
    expect(() => host({ hooks: { users: { afterCreate: () => 0 } as never } })).toThrow(TypeError);
    expect(() => host({ events: { "user.disabled": () => 0 } as never })).toThrow(TypeError);
  });
});

describe("audit log and metrics", () => {
  test("one record per resource request, newest first, paged, with changed attribute names only", async () => {
    const { h, audit } = recorded();
    const id = await createUser(h, "audited@example.com");
    await h.patch(`/Users/${id}`, patch({ op: "replace", path: "displayName", value: "Renamed" })).expect(200);
    await h.get(`/Users/${id}`).expect(200);
    expectScimError(await h.get("/Users/nope"), 404);
    await h.get("/ServiceProviderConfig").expect(200);
    await new Promise((r) => setImmediate(r));
    const { total, items } = await audit.list({ tenant: "default", startIndex: 1, count: 2 });
    expect(total).toBe(4);
    expect(items.map((r) => [r.method, r.status, r.outcome])).toEqual([
      ["GET", 404, "failure"],
      ["GET", 200, "success"],
    ]);
    const patchRecord = (await audit.list({ startIndex: 3, count: 1 })).items[0];
    expect(patchRecord).toMatchObject({
      method: "PATCH",
      resource: "Users",
      id,
      changed: ["displayName"],
      actor: "token #1",
      tenant: "default",
    });
    expect(JSON.stringify(patchRecord)).not.toContain("Renamed");
  });

  test("the metrics hook gets route templates, methods, statuses and durations", async () => {
    const samples: { route: string; method: string; status: number; durationMs: number }[] = [];
    const h = host({ metrics: (s) => void samples.push(s) });
    const id = await createUser(h, "m@example.com");
    await h.get(`/Users/${id}`).expect(200);
    await h.get("/Nope").expect(404);
    await new Promise((r) => setImmediate(r));
    expect(samples.map((s) => [s.method, s.route, s.status])).toEqual([
      ["POST", "/Users", 201],
      ["GET", "/Users/:id", 200],
      ["GET", "unmatched", 404],
    ]);
    expect(samples.every((s) => s.durationMs >= 0)).toBe(true);
  });

  test("metrics samples carry the tenant, once the request has one", async () => {
    const samples: { status: number; tenant?: string }[] = [];
    const h = host({ metrics: (s) => void samples.push(s), tenant: "acme" });
    await h.get("/Users").expect(200);
    await h.get("/Nope").expect(404);
    await request(h.app).get("/scim/v2/Users").expect(401);
    await new Promise((r) => setImmediate(r));
    expect(samples.map((s) => [s.status, s.tenant])).toEqual([
      [200, "acme"],
      [404, "acme"],
      [401, undefined],
    ]);
    expect(samples[2]).not.toHaveProperty("tenant");
  });
});
