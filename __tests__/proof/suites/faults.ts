/**
 * Fault injection over HTTP, for any store. For every write endpoint, the request is first run
 * cleanly to count its store calls; then, on a fresh store each time, each of those calls fails
 * in turn, both before the real store is reached and right after it did its work. Every time:
 * the answer is a 500 in the SCIM error format whose detail reveals nothing of the failure (or,
 * when the failing call is a read after the write committed, the write's success status), the
 * host's logger receives the failure, the tenant's state read back through the store is either
 * exactly what it was or exactly what a clean run produces (never anything in between), and the
 * next requests succeed.
 */
import { randomUUID } from "node:crypto";
import type { Store, StoreContext } from "../../../lib";
import { faultyStore, failNth, InjectedFault, type FaultyStore } from "../../../lib/testing";
import { live, mustCreate, type Live, type RawResponse } from "../harness";
import { GROUP_SCHEMA, PATCH_OP, oktaUser, scimErrorProblems } from "../../helpers/fixtures";

export interface SuiteOptions {
  name: string;
  makeStore: () => Store | Promise<Store>;
  closeStore?: (store: Store) => Promise<void> | void;
  describe: (name: string, fn: () => void) => void;
  test: (name: string, fn: () => Promise<void>, timeout?: number) => void;
}

export interface Fixture {
  users: Record<"a" | "b" | "c" | "d", string>;
  groups: Record<"eng" | "ops", string>;
}

export interface Scenario {
  name: string;
  request: (
    f: Fixture,
    l: Live,
  ) => Promise<{ method: string; path: string; body?: unknown; headers?: Record<string, string> }>;
  /** Status of a clean run. */
  ok: number;
}

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

export const SCENARIOS: Scenario[] = [
  {
    name: "POST /Users",
    ok: 201,
    request: async () => ({ method: "POST", path: "/Users", body: oktaUser("new.user@example.com") }),
  },
  {
    name: "PUT /Users/:id (Okta's whole-user PUT)",
    ok: 200,
    request: async (f, l) => {
      const current = (await l.call("GET", `/Users/${f.users.a}`)).body;
      return {
        method: "PUT",
        path: `/Users/${f.users.a}`,
        body: { ...current, displayName: "Renamed", password: "x" },
      };
    },
  },
  {
    name: "PATCH /Users/:id (Okta deactivate, pathless)",
    ok: 200,
    request: async (f) => ({
      method: "PATCH",
      path: `/Users/${f.users.a}`,
      body: patch({ op: "replace", value: { active: false } }),
    }),
  },
  {
    name: "PATCH /Users/:id (Entra, several ops)",
    ok: 200,
    request: async (f) => ({
      method: "PATCH",
      path: `/Users/${f.users.b}`,
      body: patch(
        { op: "Replace", path: "displayName", value: "B B" },
        { op: "Add", path: 'emails[type eq "home"].value', value: "b@home.example" },
        { op: "Replace", path: "active", value: "False" },
      ),
    }),
  },
  {
    name: "DELETE /Users/:id (a group member)",
    ok: 204,
    request: async (f) => ({ method: "DELETE", path: `/Users/${f.users.a}` }),
  },
  {
    name: "POST /Groups with members",
    ok: 201,
    request: async (f) => ({
      method: "POST",
      path: "/Groups",
      body: { schemas: [GROUP_SCHEMA], displayName: "New", members: [{ value: f.users.c }, { value: f.users.d }] },
    }),
  },
  {
    name: "PUT /Groups/:id with a new member list",
    ok: 200,
    request: async (f) => ({
      method: "PUT",
      path: `/Groups/${f.groups.eng}`,
      body: {
        schemas: [GROUP_SCHEMA],
        displayName: "Engineering 2",
        members: [{ value: f.users.b }, { value: f.users.c }],
      },
    }),
  },
  {
    name: "PATCH /Groups/:id rename + remove + add (Okta push)",
    ok: 204,
    request: async (f) => ({
      method: "PATCH",
      path: `/Groups/${f.groups.eng}`,
      body: patch(
        { op: "replace", value: { id: f.groups.eng, displayName: "Engineering (renamed)" } },
        { op: "remove", path: `members[value eq "${f.users.a}"]` },
        { op: "add", path: "members", value: [{ value: f.users.c, display: "c" }, { value: f.users.d }] },
      ),
    }),
  },
  {
    name: "PATCH /Groups/:id rename + replace members, answering with members",
    ok: 200,
    request: async (f) => ({
      method: "PATCH",
      path: `/Groups/${f.groups.eng}?attributes=members,displayName`,
      body: patch(
        { op: "replace", path: "displayName", value: "Eng" },
        { op: "replace", path: "members", value: [{ value: f.users.d }] },
      ),
    }),
  },
  {
    name: "PATCH /Groups/:id members only, pinned with If-Match",
    ok: 204,
    request: async (f, l) => {
      const etag = (await l.call("GET", `/Groups/${f.groups.ops}`)).headers.etag as string;
      return {
        method: "PATCH",
        path: `/Groups/${f.groups.ops}`,
        headers: { "If-Match": etag },
        body: patch(
          { op: "add", path: "members", value: [{ value: f.users.a }] },
          { op: "Remove", path: "members", value: [{ value: f.users.b }] },
        ),
      };
    },
  },
  {
    name: "DELETE /Groups/:id",
    ok: 204,
    request: async (f) => ({ method: "DELETE", path: `/Groups/${f.groups.eng}` }),
  },
];

/**
 * The tenant's state with ids swapped for names and dates left out, so that two runs on two
 * fresh stores compare equal when they hold the same thing. Versions are kept: every write moves
 * them, so a write that was rolled back or never happened is visible.
 */
export async function canonical(store: Store, ctx: StoreContext): Promise<unknown> {
  const all = async (kind: "users" | "groups") =>
    (await store[kind].query(ctx, { startIndex: 1, count: 10_000 })).items;
  const users = await all("users");
  const groups = await all("groups");
  const names = new Map<string, string>([
    ...users.map((u) => [u.id, `user:${String(u.record.userName)}`] as const),
    ...groups.map((g) => [g.id, `group:${String(g.record.displayName)}`] as const),
  ]);
  const name = (id: string) => names.get(id) ?? `unknown:${id}`;
  const out: Record<string, unknown> = {};
  for (const u of users) {
    const groupsOf = (await store.groups.groupsOf(ctx, u.id)).map((g) => name(g.id)).sort();
    out[name(u.id)] = { version: u.version, record: u.record, groups: groupsOf };
  }
  for (const g of groups) {
    const full = await store.groups.get(ctx, g.id, { members: true });
    out[name(g.id)] = {
      version: g.version,
      record: g.record,
      members: (full?.members ?? []).map((m) => name(m.value)).sort(),
    };
  }
  return out;
}

interface Run {
  l: Live;
  store: FaultyStore;
  inner: Store;
  ctx: StoreContext;
  fixture: Fixture;
  errors: unknown[];
}

export function faultSuite(o: SuiteOptions): void {
  async function start(): Promise<Run> {
    const inner = await o.makeStore();
    const store = faultyStore(inner);
    const tenant = `faults-${randomUUID()}`;
    const errors: unknown[] = [];
    const l = await live({ store, tenant, logger: { error: (obj) => void errors.push(obj) } });
    const users = {
      a: await mustCreate(l, "/Users", oktaUser("a@example.com")),
      b: await mustCreate(l, "/Users", oktaUser("b@example.com")),
      c: await mustCreate(l, "/Users", oktaUser("c@example.com")),
      d: await mustCreate(l, "/Users", oktaUser("d@example.com")),
    };
    const groups = {
      eng: await mustCreate(l, "/Groups", {
        schemas: [GROUP_SCHEMA],
        displayName: "Engineering",
        members: [{ value: users.a }, { value: users.b }],
      }),
      ops: await mustCreate(l, "/Groups", {
        schemas: [GROUP_SCHEMA],
        displayName: "Ops",
        members: [{ value: users.b }],
      }),
    };
    return { l, store, inner, ctx: { tenant }, fixture: { users, groups }, errors };
  }
  async function stop(run: Run): Promise<void> {
    await run.l.close();
    await o.closeStore?.(run.inner);
  }
  const send = (run: Run, r: Awaited<ReturnType<Scenario["request"]>>): Promise<RawResponse> =>
    run.l.call(r.method, r.path, r.body, r.headers ?? {});

  o.describe(`fault injection: ${o.name}`, () => {
    for (const scenario of SCENARIOS) {
      o.test(
        scenario.name,
        async () => {
          // A clean run: how many store calls the request makes, and the state it leaves.
          const clean = await start();
          let calls: number;
          let committed: unknown;
          try {
            const req = await scenario.request(clean.fixture, clean.l);
            clean.store.reset();
            const res = await send(clean, req);
            if (res.status !== scenario.ok) throw new Error(`clean run: ${res.status} ${res.text}`);
            calls = clean.store.calls.length;
            committed = await canonical(clean.inner, clean.ctx);
            expect(clean.errors).toEqual([]);
          } finally {
            await stop(clean);
          }
          expect(calls).toBeGreaterThan(0);
          if (process.env.PROOF_DEBUG) console.log(scenario.name, calls);

          for (const when of ["before", "after"] as const) {
            for (let n = 1; n <= calls; n++) {
              const run = await start();
              try {
                const req = await scenario.request(run.fixture, run.l);
                const before = await canonical(run.inner, run.ctx);
                run.store.reset();
                run.store.setPlan(failNth(n, when));
                const res = await send(run, req);
                const failed = run.store.calls[n - 1];
                const where = `${scenario.name}: call ${n}/${calls} (${failed?.resource}.${failed?.method}) failing ${when}`;
                run.store.setPlan({});

                // A read after the write committed: the write's success, answered from the write.
                // Anything else: a 500 in the SCIM format that names nothing internal.
                const afterCommit = isAfterCommit(run.store, n);
                // (RFC 7644 3.5.2: 204 answers any PATCH, also one that asked for attributes.)
                const success = res.status === scenario.ok || (req.method === "PATCH" && res.status === 204);
                if (afterCommit)
                  expect({ where, status: res.status, success }).toEqual({ where, status: res.status, success: true });
                else
                  expect({ where, status: res.status, problems: scimErrorProblems(res) }).toEqual({
                    where,
                    status: 500,
                    problems: [],
                  });
                expect(res.text).not.toMatch(
                  afterCommit ? /injected|fault/i : /injected|fault|InjectedFault|users\.|groups\./i,
                );
                // The host's logger got the real error.
                const logged = run.errors.map((e) => (e as { err?: unknown }).err);
                expect({ where, logged: logged.some((e) => e instanceof InjectedFault) }).toEqual({
                  where,
                  logged: true,
                });

                // All or nothing: the state before, or exactly the state of a clean run.
                const after = await canonical(run.inner, run.ctx);
                const outcome = isEqual(after, before)
                  ? "unchanged"
                  : isEqual(after, committed)
                    ? "committed"
                    : "PARTIAL";
                if (process.env.PROOF_DEBUG) console.log(where, outcome);
                if (afterCommit) expect({ where, outcome }).toEqual({ where, outcome: "committed" });
                expect({ where, outcome, ...(outcome === "PARTIAL" ? { before, after, committed } : {}) }).toEqual({
                  where,
                  outcome: expect.stringMatching(/^(unchanged|committed)$/),
                });
                // Failing before the real call, at or before the first write, must leave nothing written.
                if (when === "before" && n <= firstWrite(run.store))
                  expect({ where, outcome }).toEqual({ where, outcome: "unchanged" });

                // The next requests succeed: the same request again when nothing landed, and
                // in any case a fresh create and a list (no lock or transaction left hanging).
                if (outcome === "unchanged") {
                  const again = await send(run, await scenario.request(run.fixture, run.l));
                  expect({ where, retry: again.status }).toEqual({ where, retry: scenario.ok });
                }
                const created = await run.l.call("POST", "/Users", oktaUser(`next-${n}-${when}@example.com`));
                expect({ where, next: created.status }).toEqual({ where, next: 201 });
                const list = await run.l.call("GET", "/Groups?count=10");
                expect({ where, list: list.status }).toEqual({ where, list: 200 });
              } finally {
                await stop(run);
              }
            }
          }
        },
        60_000,
      );
    }
  });
}

const WRITES = new Set(["create", "replace", "delete", "addMembers", "removeMembers", "replaceMembers", "transaction"]);

/** Whether call `n` (1-based) reads after a write outside any transaction finished: after the commit. */
function isAfterCommit(store: FaultyStore, n: number): boolean {
  const call = store.calls[n - 1];
  if (!call || call.inTransaction || WRITES.has(call.method)) return false;
  return store.calls.slice(0, n - 1).some((c) => !c.inTransaction && WRITES.has(c.method));
}

/** Position of the first writing call in the log (a transaction counts as one); Infinity if none. */
function firstWrite(store: FaultyStore): number {
  const i = store.calls.findIndex((c) => WRITES.has(c.method));
  return i === -1 ? Infinity : i + 1;
}

function isEqual(a: unknown, b: unknown): boolean {
  try {
    expect(a).toEqual(b);
    return true;
  } catch {
    return false;
  }
}
