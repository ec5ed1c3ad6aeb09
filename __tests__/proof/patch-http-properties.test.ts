/**
 * PATCH through HTTP, property-based. The engine's own properties live in
 * __tests__/protocol/patch-properties.test.ts; these check what a client sees end to end:
 * - atomicity: a request whose operations are valid except one answers 400 and leaves the
 *   resource exactly as it was (body, version, members, what the store holds), even when the
 *   bad operation comes after a rename and is only caught by the store (unknown member id);
 * - member deltas: the result equals a simple model of add/remove/replace, and sending the
 *   same request twice gives the same membership as sending it once.
 */
import fc from "fast-check";
import { memoryStore, type Store } from "../../lib";
import { live, mustCreate, snapshot, type Live } from "./harness";
import { GROUP_SCHEMA, oktaUser, patchBody, scimErrorProblems } from "../helpers/fixtures";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
let l: Live;
let store: Store;
let serial = 0;
const logged: unknown[] = [];

beforeAll(async () => {
  store = memoryStore();
  // "reject": unknown member ids must be caught by the store, after a rename, and roll it back.
  l = await live({ store, unknownMembers: "reject", logger: { error: (obj) => void logged.push(obj) } });
});
afterAll(() => l.close());
afterEach(() => expect(logged).toEqual([]));

type Op = Record<string, unknown>;
const text = fc
  .string({ minLength: 1, maxLength: 12, unit: fc.constantFrom(..."abcdefgh XYZ-_.é") })
  .filter((s) => s.trim() !== "");

/** Operations that succeed on the users this file creates. */
const validUserOp: fc.Arbitrary<Op> = fc.oneof(
  text.map((v) => ({ op: "replace", path: "displayName", value: v })),
  text.map((v) => ({ op: "add", path: "title", value: v })),
  fc.constant({ op: "remove", path: "title" }),
  fc.constantFrom(true, false, "False", "TRUE").map((v) => ({ op: "Replace", path: "active", value: v })),
  text.map((v) => ({
    op: "add",
    path: "emails",
    value: [{ value: `${v.replace(/\W/g, "")}x@example.com`, type: "other" }],
  })),
  text.map((v) => ({ op: "replace", path: "name.givenName", value: v })),
  text.map((v) => ({ op: "Add", path: 'emails[type eq "home"].value', value: `${v.replace(/\W/g, "")}h@example.com` })),
  fc.integer({ min: 1, max: 99999 }).map((n) => ({ op: "replace", path: `${ENT}:employeeNumber`, value: String(n) })),
  fc.constant({ op: "remove", path: "phoneNumbers" }),
  fc.tuple(text, text).map(([d, f]) => ({ op: "replace", value: { displayName: d, "name.familyName": f } })),
);

/** Operations that each make the whole request a 400. */
const invalidUserOp = fc.constantFrom<Op>(
  { op: "remove" },
  { op: "copy", path: "title", value: "x" },
  { op: "replace", path: "id", value: "x" },
  { op: "replace", path: "nope", value: 1 },
  { op: "remove", path: "userName" },
  { op: "replace", path: "active", value: "maybe" },
  { op: "add", path: "title" },
  { op: "replace", path: 'emails[type eq "work"', value: "x" },
  { op: "replace", path: "meta.created", value: "2020-01-01T00:00:00Z" },
  { op: "replace", path: "userName", value: { nested: true } },
  { op: "remove", path: 'emails[type co "w" or type co "x"].nope' },
);

/** `last`: the invalid op goes at the end (a later member replace would legitimately erase it). */
const withOneInvalid = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>, last = false) =>
  fc.tuple(fc.array(valid, { maxLength: 6 }), invalid, fc.nat()).map(([ops, bad, at]) => {
    const i = last || ops.length === 0 ? ops.length : at % (ops.length + 1);
    return { valid: ops, all: [...ops.slice(0, i), bad, ...ops.slice(i)] };
  });

async function newUser(): Promise<string> {
  return mustCreate(
    l,
    "/Users",
    oktaUser(`user${++serial}@example.com`, {
      title: "Engineer",
      phoneNumbers: [{ value: "+1 555 0100", type: "work" }],
    }),
  );
}

describe("PATCH atomicity over HTTP", () => {
  test("users: valid operations plus one invalid one -> 400, the resource and the store unchanged", async () => {
    await fc.assert(
      fc.asyncProperty(withOneInvalid(validUserOp, invalidUserOp), async ({ valid, all }) => {
        const id = await newUser();
        const before = await l.call("GET", `/Users/${id}`);
        const stateBefore = await snapshot(store);
        const res = await l.call("PATCH", `/Users/${id}`, patchBody(...all));
        expect({ status: res.status, problems: scimErrorProblems(res) }).toEqual({ status: 400, problems: [] });
        const after = await l.call("GET", `/Users/${id}`);
        expect(after.body).toEqual(before.body);
        expect(after.headers.etag).toBe(before.headers.etag);
        expect(await snapshot(store)).toEqual(stateBefore);
        // The valid operations alone succeed: the invalid one was the only reason for the 400.
        const ok = await l.call("PATCH", `/Users/${id}`, patchBody(...valid));
        expect({ status: ok.status, text: ok.status === 200 ? "" : ok.text }).toEqual({ status: 200, text: "" });
      }),
      { numRuns: 80 },
    );
  });

  test("groups: rename and member changes plus one invalid operation (some caught only by the store) -> nothing changes", async () => {
    const pool: string[] = [];
    for (let i = 0; i < 6; i++) pool.push(await newUser());
    const member = fc.constantFrom(...pool);
    const validGroupOp: fc.Arbitrary<Op> = fc.oneof(
      // @GROUP@ becomes the group's id when sent, so renames never collide across runs (409).
      text.map((v) => ({ op: "replace", value: { id: "ignored", displayName: `g ${v} @GROUP@` } })),
      fc
        .uniqueArray(member, { minLength: 1, maxLength: 3 })
        .map((ids) => ({ op: "add", path: "members", value: ids.map((value) => ({ value })) })),
      member.map((id) => ({ op: "remove", path: `members[value eq "${id}"]` })),
      fc
        .uniqueArray(member, { maxLength: 3 })
        .map((ids) => ({ op: "Remove", path: "members", value: ids.map((value) => ({ value })) })),
      fc
        .uniqueArray(member, { maxLength: 4 })
        .map((ids) => ({ op: "replace", path: "members", value: ids.map((value) => ({ value })) })),
    );
    // Only the store knows these ids do not exist: a rename before them must be rolled back.
    // They go last, as does removing displayName (a later rename in the same request restores it).
    const invalidLast = fc.constantFrom<Op>(
      { op: "remove", path: "displayName" },
      { op: "add", path: "members", value: [{ value: "00000000-0000-4000-8000-000000000000" }] },
      { op: "replace", path: "members", value: [{ value: "no-such-user" }] },
    );
    const invalidGroupOp = fc.constantFrom<Op>(
      { op: "remove", path: 'members[type eq "User"]' },
      { op: "add", path: 'members[value eq "x"].display', value: "y" },
      { op: "add", path: "members", value: [{ value: "" }] },
      { op: "replace", path: "id", value: "x" },
      { op: "frobnicate", path: "members" },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(withOneInvalid(validGroupOp, invalidGroupOp), withOneInvalid(validGroupOp, invalidLast, true)),
        fc.uniqueArray(member, { maxLength: 4 }),
        async ({ all }, initial) => {
          const g = await mustCreate(l, "/Groups", {
            schemas: [GROUP_SCHEMA],
            displayName: `group ${++serial}`,
            members: initial.map((value) => ({ value })),
          });
          const before = await l.call("GET", `/Groups/${g}`);
          const stateBefore = await snapshot(store);
          const res = await l.call(
            "PATCH",
            `/Groups/${g}`,
            JSON.parse(JSON.stringify(patchBody(...all)).replaceAll("@GROUP@", g)),
          );
          expect({ status: res.status, problems: scimErrorProblems(res) }).toEqual({ status: 400, problems: [] });
          const after = await l.call("GET", `/Groups/${g}`);
          expect(after.body).toEqual(before.body);
          expect(after.headers.etag).toBe(before.headers.etag);
          expect(await snapshot(store)).toEqual(stateBefore);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe("member deltas over HTTP", () => {
  type MemberOp =
    | { kind: "add"; ids: string[] }
    | { kind: "removeOne"; id: string }
    | { kind: "removeList"; ids: string[] }
    | { kind: "replace"; ids: string[] }
    | { kind: "clear" };

  const toScim = (op: MemberOp) => {
    switch (op.kind) {
      case "add":
        return { op: "add", path: "members", value: op.ids.map((value) => ({ value, display: "ignored" })) };
      case "removeOne":
        return { op: "remove", path: `members[value eq "${op.id}"]` };
      case "removeList":
        return { op: "Remove", path: "members", value: op.ids.map((value) => ({ value, $ref: null })) };
      case "replace":
        return { op: "replace", path: "members", value: op.ids.map((value) => ({ value })) };
      case "clear":
        return { op: "remove", path: "members" };
    }
  };

  /** The model: what RFC 7644 3.5.2 and docs/patch.md say each operation does to the set. */
  const model = (initial: string[], ops: MemberOp[]) => {
    const set = new Set(initial);
    for (const op of ops) {
      if (op.kind === "add") for (const id of op.ids) set.add(id);
      else if (op.kind === "removeOne") set.delete(op.id);
      else if (op.kind === "removeList") for (const id of op.ids) set.delete(id);
      else {
        set.clear();
        if (op.kind === "replace") for (const id of op.ids) set.add(id);
      }
    }
    return [...set].sort();
  };

  test("the result matches the model, and the same request sent twice equals sending it once", async () => {
    const pool: string[] = [];
    for (let i = 0; i < 6; i++) pool.push(await newUser());
    const id = fc.constantFrom(...pool);
    const ids = fc.uniqueArray(id, { minLength: 1, maxLength: 4 });
    const memberOp: fc.Arbitrary<MemberOp> = fc.oneof(
      { weight: 4, arbitrary: ids.map((v) => ({ kind: "add" as const, ids: v })) },
      { weight: 3, arbitrary: id.map((v) => ({ kind: "removeOne" as const, id: v })) },
      { weight: 2, arbitrary: ids.map((v) => ({ kind: "removeList" as const, ids: v })) },
      { weight: 1, arbitrary: fc.uniqueArray(id, { maxLength: 4 }).map((v) => ({ kind: "replace" as const, ids: v })) },
      { weight: 1, arbitrary: fc.constant({ kind: "clear" as const }) },
    );
    const members = async (g: string) =>
      ((await l.call("GET", `/Groups/${g}?attributes=members`)).body.members ?? [])
        .map((m: { value: string }) => m.value)
        .sort();

    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(id, { maxLength: 6 }),
        fc.array(memberOp, { minLength: 1, maxLength: 6 }),
        async (initial, ops) => {
          const g = await mustCreate(l, "/Groups", {
            schemas: [GROUP_SCHEMA],
            displayName: `deltas ${++serial}`,
            members: initial.map((value) => ({ value })),
          });
          const body = patchBody(...ops.map(toScim));
          const first = await l.call("PATCH", `/Groups/${g}`, body);
          expect({ status: first.status, text: first.text }).toEqual({ status: 204, text: "" });
          const once = await members(g);
          expect(once).toEqual(model(initial, ops));
          const second = await l.call("PATCH", `/Groups/${g}`, body);
          expect(second.status).toBe(204);
          expect(await members(g)).toEqual(once);
          // Users see it from their side too (User.groups).
          for (const u of pool) {
            const groups = ((await l.call("GET", `/Users/${u}?attributes=groups`)).body.groups ?? []).map(
              (x: { value: string }) => x.value,
            );
            expect(groups.includes(g)).toBe(once.includes(u));
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
