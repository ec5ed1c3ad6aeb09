import { ScimError, memoryAuditLog, memoryStore, type Store } from "../../lib";
import { createGroup, createUser, host } from "./app";
import { GROUP_SCHEMA, PATCH_OP, expectScimError } from "../helpers/fixtures";

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const memberIds = (body: { members?: { value: string }[] }) => (body.members ?? []).map((m) => m.value).sort();

describe("Groups", () => {
  test("Okta's group push: POST with empty members, find by displayName, rename idempotently", async () => {
    const h = host();
    const created = await h.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Sales", members: [] }).expect(201);
    const id = created.body.id;
    expect(created.headers.location).toBe(created.body.meta.location);
    const found = await h.get('/Groups?filter=displayName+eq+"Sales"&startIndex=1&count=100').expect(200);
    expect(found.body.Resources.map((g: { id: string }) => g.id)).toEqual([id]);
    const rename = patch({ op: "replace", value: { id, displayName: "Sales EMEA" } });
    await h.patch(`/Groups/${id}`, rename).expect(204);
    const version = (await h.get(`/Groups/${id}`)).body.meta.version;
    await h.patch(`/Groups/${id}`, rename).expect(204);
    const again = (await h.get(`/Groups/${id}`).expect(200)).body;
    expect(again.displayName).toBe("Sales EMEA");
    expect(again.meta.version).toBe(version);
  });

  test("displayName is unique: 409", async () => {
    const h = host();
    await createGroup(h, "Ops");
    expectScimError(await h.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "ops" }), 409, "uniqueness");
  });

  test("members on POST are stored and shown with display and $ref; users see their groups", async () => {
    const h = host();
    const ada = await createUser(h, "ada@example.com");
    const id = await createGroup(h, "Pioneers", [ada]);
    const group = (await h.get(`/Groups/${id}`).expect(200)).body;
    expect(group.members).toEqual([
      expect.objectContaining({
        value: ada,
        display: "Ada Lovelace",
        type: "User",
        $ref: expect.stringContaining(`/Users/${ada}`),
      }),
    ]);
    expect((await h.get(`/Users/${ada}`)).body.groups).toEqual([
      expect.objectContaining({ value: id, display: "Pioneers" }),
    ]);
  });

  test('unknownMembers: "reject": unknown member ids are 400 invalidValue and nothing is written', async () => {
    const h = host({ unknownMembers: "reject" });
    const ada = await createUser(h, "ada@example.com");
    expectScimError(
      await h.post("/Groups", { schemas: [GROUP_SCHEMA], displayName: "Ghosts", members: [{ value: "no-such-user" }] }),
      400,
      "invalidValue",
    );
    expect((await h.get("/Groups").expect(200)).body.totalResults).toBe(0);
    const id = await createGroup(h, "Real", [ada]);
    const res = await h.patch(
      `/Groups/${id}`,
      patch(
        { op: "replace", path: "displayName", value: "Renamed" },
        { op: "add", path: "members", value: [{ value: "ghost" }] },
      ),
    );
    expectScimError(res, 400, "invalidValue");
    const after = (await h.get(`/Groups/${id}`)).body;
    expect(after.displayName).toBe("Real");
    expect(memberIds(after)).toEqual([ada]);
  });

  test("Okta's membership PATCH: value-filter removes mixed with an array add", async () => {
    const h = host();
    const [a, b, c] = [await createUser(h, "a@x.com"), await createUser(h, "b@x.com"), await createUser(h, "c@x.com")];
    const id = await createGroup(h, "Mixed", [a, b]);
    await h
      .patch(
        `/Groups/${id}`,
        patch(
          { op: "remove", path: `members[value eq "${a}"]` },
          { op: "add", path: "members", value: [{ value: c, display: "c@x.com" }] },
        ),
      )
      .expect(204);
    expect(memberIds((await h.get(`/Groups/${id}`)).body)).toEqual([b, c].sort());
  });

  test("Entra's Remove members with a value list removes only those; duplicate adds are idempotent", async () => {
    const h = host();
    const [a, b, c] = [await createUser(h, "a@x.com"), await createUser(h, "b@x.com"), await createUser(h, "c@x.com")];
    const id = await createGroup(h, "Entra", [a, b, c]);
    await h
      .patch(`/Groups/${id}`, patch({ op: "Remove", path: "members", value: [{ value: a, $ref: null }] }))
      .expect(204);
    await h
      .patch(`/Groups/${id}`, patch({ op: "Add", path: "members", value: [{ value: b }, { value: b }] }))
      .expect(204);
    expect(memberIds((await h.get(`/Groups/${id}`)).body)).toEqual([b, c].sort());
  });

  test("PATCH answers 200 with the resource only when attributes are asked for", async () => {
    const h = host();
    const a = await createUser(h, "a@x.com");
    const id = await createGroup(h, "Asked");
    const res = await h
      .patch(`/Groups/${id}?attributes=displayName`, patch({ op: "add", path: "members", value: [{ value: a }] }))
      .expect(200);
    expect(res.body).toEqual({ schemas: [GROUP_SCHEMA], id, displayName: "Asked" });
  });

  test("excludedAttributes=members never loads the member list", async () => {
    const base = memoryStore();
    const loads: boolean[] = [];
    const spy: Store = {
      ...base,
      groups: {
        ...base.groups,
        get: (ctx, gid, opts) => {
          loads.push(!!opts?.members);
          return base.groups.get(ctx, gid, opts);
        },
      },
    };
    const h = host({ store: spy });
    const a = await createUser(h, "a@x.com");
    const id = await createGroup(h, "Big", [a]);
    loads.length = 0;
    const res = await h.get(`/Groups/${id}?excludedAttributes=members`).expect(200);
    expect(res.body.members).toBeUndefined();
    expect(loads).toEqual([false]);
    loads.length = 0;
    await h.patch(`/Groups/${id}`, patch({ op: "remove", path: `members[value eq "${a}"]` })).expect(204);
    expect(loads.every((withMembers) => !withMembers)).toBe(true);
  });

  test("PUT replaces the member list; DELETE removes the group and the users' memberships", async () => {
    const h = host();
    const [a, b] = [await createUser(h, "a@x.com"), await createUser(h, "b@x.com")];
    const id = await createGroup(h, "Put", [a]);
    const res = await h
      .put(`/Groups/${id}`, { schemas: [GROUP_SCHEMA], displayName: "Put", members: [{ value: b }] })
      .expect(200);
    expect(memberIds(res.body)).toEqual([b]);
    await h.delete(`/Groups/${id}`).expect(204);
    expectScimError(await h.get(`/Groups/${id}`), 404);
    expect((await h.get(`/Users/${b}`)).body.groups).toEqual([]);
  });

  test("filtering groups by member: members.value eq", async () => {
    const h = host();
    const a = await createUser(h, "a@x.com");
    const with_ = await createGroup(h, "With", [a]);
    await createGroup(h, "Without");
    const res = await h
      .get(`/Groups?filter=${encodeURIComponent(`members.value eq "${a}"`)}&excludedAttributes=members`)
      .expect(200);
    expect(res.body.Resources.map((g: { id: string }) => g.id)).toEqual([with_]);
  });
});

describe('unknownMembers: "skip" (the default)', () => {
  const stores: [string, () => Store][] = [
    ["memory", () => memoryStore()],
    ["sqlite", () => require("../../lib/stores/sqlite").sqliteStore({ filename: ":memory:", migrate: true })],
  ];
  test.each(stores)(
    "on %s: unknown ids are dropped, known ones written, the audit counts the skipped",
    async (_name, make) => {
      const audit = memoryAuditLog();
      const h = host({ store: make(), audit, logger: { error: () => {}, warn: () => {} } });
      const [a, b] = [await createUser(h, "a@x.com"), await createUser(h, "b@x.com")];
      const created = await h
        .post("/Groups", {
          schemas: [GROUP_SCHEMA],
          displayName: "Lenient",
          members: [{ value: a }, { value: "ghost-1" }],
        })
        .expect(201);
      const id = created.body.id;
      expect(memberIds(created.body)).toEqual([a]);
      await h
        .patch(`/Groups/${id}`, patch({ op: "add", path: "members", value: [{ value: b }, { value: "ghost-2" }] }))
        .expect(204);
      expect(memberIds((await h.get(`/Groups/${id}`)).body)).toEqual([a, b].sort());
      await h
        .patch(`/Groups/${id}`, patch({ op: "replace", path: "members", value: [{ value: "ghost-3" }, { value: b }] }))
        .expect(204);
      expect(memberIds((await h.get(`/Groups/${id}`)).body)).toEqual([b]);
      await new Promise((r) => setImmediate(r));
      const skipped = (await audit.list({})).items.map((r) => r.membersSkipped ?? 0);
      expect(skipped.reduce((x, y) => x + y, 0)).toBe(3);
    },
  );

  test("skipped ids are reported: one group.members.skipped event with every id, one capped warning, nothing when all are known", async () => {
    const events: { type: string; id: string; members: string[] }[] = [];
    const warnings: { obj: Record<string, unknown>; msg?: string }[] = [];
    const h = host({
      events: {
        "group.members.skipped": (e) => void events.push(e),
        "group.members.added": (e) => void events.push(e),
      },
      logger: { error: () => {}, warn: (obj, msg) => void warnings.push({ obj: obj as Record<string, unknown>, msg }) },
    });
    const a = await createUser(h, "a@x.com");
    const ghosts = Array.from({ length: 25 }, (_, i) => `ghost-${i}-${"x".repeat(100)}`);
    const id = await createGroup(h, "Reported", [a, ...ghosts]);
    expect(events).toEqual([
      expect.objectContaining({ type: "group.members.added", id, members: [a] }),
      expect.objectContaining({ type: "group.members.skipped", id, members: ghosts }),
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.obj).toMatchObject({ group: id, skipped: 25, tenant: "default" });
    const shown = warnings[0]!.obj.ids as string[];
    expect(shown.length).toBeLessThanOrEqual(10);
    for (const s of shown) expect(s.length).toBeLessThanOrEqual(65);
    expect(warnings[0]!.msg).toMatch(/unknown member/i);
    events.length = 0;
    warnings.length = 0;
    await h
      .put(`/Groups/${id}`, { schemas: [GROUP_SCHEMA], displayName: "Reported", members: [{ value: a }] })
      .expect(200);
    await h.patch(`/Groups/${id}`, patch({ op: "add", path: "members", value: [{ value: a }] })).expect(204);
    expect(events.filter((e) => e.type === "group.members.skipped")).toEqual([]);
    expect(warnings).toEqual([]);
  });

  test("a PATCH retried after a concurrent write counts its skipped ids once", async () => {
    const base = memoryStore();
    let conflicts = 1;
    // The first member write meets a concurrent change (412), as a busy group would; the service retries.
    const racing: Store = {
      ...base,
      transaction: (fn) =>
        base.transaction!((tx) =>
          fn({
            ...tx,
            groups: {
              ...tx.groups,
              addMembers: (...args) =>
                conflicts-- > 0
                  ? Promise.reject(new ScimError(412, undefined, "changed"))
                  : tx.groups.addMembers(...args),
            },
          }),
        ),
    };
    const audit = memoryAuditLog();
    const h = host({ store: racing, audit, logger: { error: () => {}, warn: () => {} } });
    const a = await createUser(h, "a@x.com");
    const id = await createGroup(h, "Retried");
    await h
      .patch(`/Groups/${id}`, patch({ op: "add", path: "members", value: [{ value: a }, { value: "ghost" }] }))
      .expect(204);
    expect(conflicts).toBeLessThan(0);
    await new Promise((r) => setImmediate(r));
    const patched = (await audit.list({})).items.find((r) => r.method === "PATCH");
    expect(patched).toMatchObject({ membersAdded: 1, membersSkipped: 1 });
  });

  test("a member deleted between the look-up and the write is skipped too, not a 400 (POST, PUT, PATCH)", async () => {
    const base = memoryStore();
    let lies = 0;
    // The first look-up (after the store refused "ghost") still sees "vanished"; the next write
    // does not (deleted since); the next look-up drops it too.
    const lying =
      (query: Store["users"]["query"]): Store["users"]["query"] =>
      async (ctx, q) => {
        const found = await query(ctx, q);
        if (lies <= 0 || !JSON.stringify(q.filter ?? null).includes("vanished")) return found;
        lies -= 1;
        return { total: found.total + 1, items: [...found.items, { ...found.items[0]!, id: "vanished" }] };
      };
    const store: Store = {
      ...base,
      users: { ...base.users, query: lying(base.users.query) },
      transaction: (fn) =>
        base.transaction!((tx) => fn({ ...tx, users: { ...tx.users, query: lying(tx.users.query) } })),
    };
    const audit = memoryAuditLog();
    const h = host({ store, audit, logger: { error: () => {}, warn: () => {} } });
    const [a, b] = [await createUser(h, "a@x.com"), await createUser(h, "b@x.com")];
    lies = 1;
    const created = await h
      .post("/Groups", {
        schemas: [GROUP_SCHEMA],
        displayName: "Racing",
        members: [{ value: a }, { value: "vanished" }, { value: "ghost" }],
      })
      .expect(201);
    expect(memberIds(created.body)).toEqual([a]);
    const id = created.body.id;
    lies = 1;
    await h
      .put(`/Groups/${id}`, {
        schemas: [GROUP_SCHEMA],
        displayName: "Racing",
        members: [{ value: "vanished" }, { value: b }, { value: "ghost" }],
      })
      .expect(200);
    expect(memberIds((await h.get(`/Groups/${id}`)).body)).toEqual([b]);
    lies = 1;
    await h
      .patch(
        `/Groups/${id}`,
        patch({ op: "add", path: "members", value: [{ value: "ghost" }, { value: "vanished" }, { value: a }] }),
      )
      .expect(204);
    expect(memberIds((await h.get(`/Groups/${id}`)).body)).toEqual([a, b].sort());
    await new Promise((r) => setImmediate(r));
    expect(
      (await audit.list({})).items
        .filter((r) => r.resource.startsWith("Groups") && r.method !== "GET")
        .map((r) => r.membersSkipped),
    ).toEqual([2, 2, 2]);
  });

  test('"reject" is still an option: one unknown id fails the whole POST, PUT or PATCH', async () => {
    const h = host({ unknownMembers: "reject" });
    const a = await createUser(h, "a@x.com");
    expectScimError(
      await h.post("/Groups", {
        schemas: [GROUP_SCHEMA],
        displayName: "Strict",
        members: [{ value: a }, { value: "ghost" }],
      }),
      400,
      "invalidValue",
    );
    const id = await createGroup(h, "Strict", [a]);
    expectScimError(
      await h.put(`/Groups/${id}`, { schemas: [GROUP_SCHEMA], displayName: "Strict", members: [{ value: "ghost" }] }),
      400,
      "invalidValue",
    );
    expectScimError(
      await h.patch(`/Groups/${id}`, patch({ op: "add", path: "members", value: [{ value: "ghost" }] })),
      400,
      "invalidValue",
    );
    expect(memberIds((await h.get(`/Groups/${id}`)).body)).toEqual([a]);
  });

  test("a bad value for the option fails at start-up", () => {
    expect(() => host({ unknownMembers: "ignore" as never })).toThrow(TypeError);
  });
});
