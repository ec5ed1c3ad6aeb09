/**
 * Concurrency over HTTP, for any store: many clients at once against one live server. What
 * must hold comes from the store and the service (unique indexes, versions, transactions,
 * member deltas), never from luck in scheduling, so each case fires its requests together and
 * then checks the state read back through the store.
 */
import { randomUUID } from "node:crypto";
import type { Store, StoreContext } from "../../../lib";
import { faultyStore } from "../../../lib/testing";
import { live, memberIds, mustCreate, type Live, type RawResponse } from "../harness";
import type { SuiteOptions } from "./faults";
import { GROUP_SCHEMA, oktaUser, patchBody, scimErrorProblems } from "../../helpers/fixtures";

export interface ConcurrencyOptions extends SuiteOptions {
  /**
   * True when the order in which member writes reach the store is the order they take effect
   * (the memory store serialises them). Enables the exact "last write wins" check of the fully
   * concurrent add/remove case; other stores get the wave-by-wave check only.
   */
  callOrderIsCommitOrder?: boolean;
  /** Parallel requests per case (default 50, issue 9). */
  parallel?: number;
}

interface Ctx {
  l: Live;
  store: Store;
  ctx: StoreContext;
  /** Every member-writing store call (addMembers/removeMembers/replaceMembers), in call order. */
  memberCalls: { method: string; ids: string[] }[];
}

const statuses = (rs: RawResponse[]) =>
  rs.reduce<Record<number, number>>((acc, r) => {
    acc[r.status] = (acc[r.status] ?? 0) + 1;
    return acc;
  }, {});

export function concurrencySuite(o: ConcurrencyOptions): void {
  const N = o.parallel ?? 50;

  const withServer = (name: string, body: (c: Ctx) => Promise<void>) =>
    o.test(
      name,
      async () => {
        const inner = await o.makeStore();
        const memberCalls: Ctx["memberCalls"] = [];
        // No faults: the wrapper only records the order in which member writes reach the store.
        const store = faultyStore(inner, {
          onCall: (call) => {
            if (call.method === "addMembers" || call.method === "replaceMembers") {
              memberCalls.push({ method: call.method, ids: (call.args[2] as { value: string }[]).map((m) => m.value) });
            } else if (call.method === "removeMembers")
              memberCalls.push({ method: call.method, ids: call.args[2] as string[] });
          },
        });
        const tenant = `concurrency-${randomUUID()}`;
        const l = await live({ store, tenant, logger: { error: (obj) => void console.error("logged", obj) } });
        try {
          await body({ l, store: inner, ctx: { tenant }, memberCalls });
        } finally {
          await l.close();
          await o.closeStore?.(inner);
        }
      },
      60_000,
    );

  const users = async (l: Live, n: number, prefix = "u") => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await mustCreate(l, "/Users", oktaUser(`${prefix}${i}@example.com`)));
    return ids;
  };
  const group = (l: Live, displayName: string, members: string[] = []) =>
    mustCreate(l, "/Groups", { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) });
  const addMember = (l: Live, g: string, id: string) =>
    l.call("PATCH", `/Groups/${g}`, patchBody({ op: "add", path: "members", value: [{ value: id }] }));
  const removeMember = (l: Live, g: string, id: string) =>
    l.call("PATCH", `/Groups/${g}`, patchBody({ op: "remove", path: `members[value eq "${id}"]` }));

  o.describe(`concurrency: ${o.name}`, () => {
    withServer(
      `${N} parallel POSTs of one userName: exactly one 201, the rest 409 uniqueness`,
      async ({ l, store, ctx }) => {
        const rs = await Promise.all(
          Array.from({ length: N }, (_, i) =>
            l.call("POST", "/Users", oktaUser(i % 2 ? "Same.User@Example.com" : "same.user@example.com")),
          ),
        );
        expect(statuses(rs)).toEqual({ 201: 1, 409: N - 1 });
        for (const r of rs.filter((x) => x.status === 409))
          expect(r.body).toMatchObject({ status: "409", scimType: "uniqueness" });
        const { total } = await store.users.query(ctx, { startIndex: 1, count: 0 });
        expect(total).toBe(1);
      },
    );

    withServer(`${N} parallel POSTs of one group displayName: exactly one 201`, async ({ l, store, ctx }) => {
      const rs = await Promise.all(
        Array.from({ length: N }, () => l.call("POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "Admins" })),
      );
      expect(statuses(rs)).toEqual({ 201: 1, 409: N - 1 });
      expect((await store.groups.query(ctx, { startIndex: 1, count: 0 })).total).toBe(1);
    });

    withServer(`${N} parallel member adds (different users) to one group: all present`, async ({ l, store, ctx }) => {
      const ids = await users(l, N);
      const g = await group(l, "Everyone");
      const rs = await Promise.all(ids.map((id) => addMember(l, g, id)));
      expect(statuses(rs)).toEqual({ 204: N });
      expect(await memberIds(store, g, ctx)).toEqual([...ids].sort());
    });

    withServer(
      `${N} parallel removes (different members) from one group: all gone, the others kept`,
      async ({ l, store, ctx }) => {
        const ids = await users(l, N * 2);
        const g = await group(l, "Big", ids);
        const rs = await Promise.all(ids.slice(0, N).map((id) => removeMember(l, g, id)));
        expect(statuses(rs)).toEqual({ 204: N });
        expect(await memberIds(store, g, ctx)).toEqual(ids.slice(N).sort());
      },
    );

    withServer(
      "add/remove of one member, one request at a time: the state always equals the last acknowledged write",
      async ({ l, store, ctx }) => {
        const [x] = await users(l, 1);
        const g = await group(l, "Flip");
        // A fixed pseudo-random sequence, so a failure reproduces.
        let seed = 7;
        for (let i = 0; i < 60; i++) {
          seed = (seed * 1103515245 + 12345) % 2 ** 31;
          const add = seed % 2 === 0;
          const r = await (add ? addMember(l, g, x!) : removeMember(l, g, x!));
          expect(r.status).toBe(204);
          expect({ i, members: await memberIds(store, g, ctx) }).toEqual({ i, members: add ? [x] : [] });
        }
      },
    );

    withServer(
      "add/remove of one member from many concurrent requests: every wave acknowledged, the state matches the last write applied",
      async ({ l, store, ctx, memberCalls }) => {
        const [x, y] = await users(l, 2);
        const g = await group(l, "Flap", [y!]);
        let seed = 11;
        const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
        let was = false;
        for (let wave = 0; wave < 8; wave++) {
          // Waves alternate between mixed and unanimous, so both checks get exercised.
          const ops = Array.from({ length: N }, () => (wave % 3 === 2 ? wave % 2 === 0 : next() % 2 === 0));
          memberCalls.length = 0;
          const rs = await Promise.all(ops.map((add) => (add ? addMember(l, g, x!) : removeMember(l, g, x!))));
          expect({ wave, statuses: statuses(rs) }).toEqual({ wave, statuses: { 204: N } });
          const members = await memberIds(store, g, ctx);
          const present = members.includes(x!);
          // Every request of the wave was acknowledged before we looked, so the state must be the
          // effect of one of them: with a unanimous wave, exactly that effect.
          if (ops.every((a) => a === ops[0])) expect({ wave, present }).toEqual({ wave, present: ops[0] });
          else expect(ops).toContain(present);
          // The bystander member is never touched.
          expect(members).toContain(y);
          if (o.callOrderIsCommitOrder) {
            // A request that would change nothing (adding a member, removing a non-member) makes
            // no member call at all (no-op writes), so a wave without calls leaves the state as it was.
            const last = memberCalls.filter((c) => c.ids.includes(x!)).at(-1);
            expect({ wave, present }).toEqual({ wave, present: last ? last.method === "addMembers" : was });
          }
          was = present;
        }
      },
    );

    /** N clients each rename the group (Okta re-sends the rename around every change), add one member, and half remove one. */
    const renameStorm = async ({ l, store, ctx }: Ctx) => {
      const stay = await users(l, N / 2, "stay");
      const leave = await users(l, N / 2, "leave");
      const join = await users(l, N, "join");
      const g = await group(l, "Team", [...stay, ...leave]);
      const rs = await Promise.all(
        join.map((id, i) =>
          l.call(
            "PATCH",
            `/Groups/${g}`,
            patchBody(
              { op: "replace", value: { id: g, displayName: `Team ${i}` } },
              ...(i % 2 === 0 ? [{ op: "remove", path: `members[value eq "${leave[i / 2]}"]` }] : []),
              { op: "add", path: "members", value: [{ value: id }] },
            ),
          ),
        ),
      );
      return {
        rs,
        stay,
        leave,
        join,
        members: await memberIds(store, g, ctx),
        displayName: (await store.groups.get(ctx, g))?.record.displayName,
      };
    };

    withServer(
      `${N} parallel PATCHes that rename the group and change members: each acknowledged one fully kept, each refused one (412 only) without effect`,
      async (c) => {
        const { rs, stay, leave, join, members, displayName } = await renameStorm(c);
        const ok = rs.map((r) => r.status === 204);
        for (const r of rs.filter((x) => x.status !== 204))
          expect({ status: r.status, problems: scimErrorProblems(r) }).toEqual({ status: 412, problems: [] });
        for (const id of stay) expect(members).toContain(id);
        for (const [i, id] of join.entries()) {
          expect({ i, acknowledged: ok[i], present: members.includes(id) }).toEqual({
            i,
            acknowledged: ok[i],
            present: ok[i],
          });
        }
        for (const [j, id] of leave.entries()) {
          expect({ j, acknowledged: ok[2 * j], present: members.includes(id) }).toEqual({
            j,
            acknowledged: ok[2 * j],
            present: !ok[2 * j],
          });
        }
        expect(join.map((_, i) => `Team ${i}`).filter((_, i) => ok[i])).toContain(displayName);
      },
    );

    withServer(
      `${N} parallel PATCHes that rename the group and change members, none with If-Match: all acknowledged, no member lost`,
      async (c) => {
        const { rs, stay, join, members } = await renameStorm(c);
        expect(statuses(rs)).toEqual({ 204: N });
        expect(members).toEqual([...stay, ...join].sort());
      },
    );

    const emailStorm = async ({ l, store, ctx }: Ctx) => {
      const [u] = await users(l, 1);
      const rs = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          l.call(
            "PATCH",
            `/Users/${u}`,
            patchBody({ op: "add", path: "emails", value: [{ value: `e${i}@example.com`, type: "other" }] }),
          ),
        ),
      );
      const stored = await store.users.get(ctx, u!);
      return { rs, emails: ((stored?.record.emails ?? []) as { value: string }[]).map((e) => e.value) };
    };

    withServer(
      `${N} parallel PATCHes adding one email each to one user: each acknowledged one kept, each refused one (412 only) without effect`,
      async (c) => {
        const { rs, emails } = await emailStorm(c);
        rs.forEach((r, i) => {
          if (r.status !== 200)
            expect({ status: r.status, problems: scimErrorProblems(r) }).toEqual({ status: 412, problems: [] });
          expect({ i, present: emails.includes(`e${i}@example.com`) }).toEqual({ i, present: r.status === 200 });
        });
      },
    );

    withServer(
      `${N} parallel PATCHes adding one email each to one user, none with If-Match: all acknowledged`,
      async (c) => {
        const { rs, emails } = await emailStorm(c);
        expect(statuses(rs)).toEqual({ 200: N });
        for (let i = 0; i < N; i++) expect(emails).toContain(`e${i}@example.com`);
      },
    );

    withServer(
      `${N} parallel DELETEs of one user: one 204, the rest 404, memberships gone`,
      async ({ l, store, ctx }) => {
        const [u, v] = await users(l, 2);
        const g = await group(l, "G", [u!, v!]);
        const rs = await Promise.all(Array.from({ length: N }, () => l.call("DELETE", `/Users/${u}`)));
        expect(statuses(rs)).toEqual({ 204: 1, 404: N - 1 });
        expect(await memberIds(store, g, ctx)).toEqual([v]);
      },
    );

    withServer(
      `${N} parallel If-Match PATCHes with the same ETag: exactly one wins, the rest 412`,
      async ({ l, store, ctx }) => {
        const [u] = await users(l, 1);
        const etag = (await l.call("GET", `/Users/${u}`)).headers.etag as string;
        const rs = await Promise.all(
          Array.from({ length: N }, (_, i) =>
            l.call("PATCH", `/Users/${u}`, patchBody({ op: "replace", path: "displayName", value: `Name ${i}` }), {
              "If-Match": etag,
            }),
          ),
        );
        expect(statuses(rs)).toEqual({ 200: 1, 412: N - 1 });
        const winner = rs.find((r) => r.status === 200)!;
        expect((await store.users.get(ctx, u!))?.record.displayName).toBe(winner.body.displayName);
      },
    );
  });
}
