/**
 * The differential suite: a store must answer every filter, sort and page exactly as the memory
 * store does (evaluate() and compareRecords() are the reference semantics, docs/filters.md). It
 * loads generated tenants into the store under test, replays the same rows (same ids, versions and
 * dates) into a memory store, and compares the answers to generated query text. A failure is
 * shrunk to the fewest records that still disagree and names the seed that replays it.
 */
import { randomUUID } from "node:crypto";
import { ScimError } from "../protocol/errors";
import { parseFilter, resolveFilter, resolveSort } from "../protocol/filter";
import { stampedMemoryStore } from "../stores/memory";
import type { Member } from "../schema/types";
import type { Store, Stored, StoreContext } from "../stores/types";
import { gated, type Runner, type StoreCapabilities, skipOf } from "./capabilities";
import { UNIQUE_KEYS } from "./conformance";
import { DIFFERENTIAL_CASES, type DifferentialCase } from "./differential-cases";
import { type Dataset, FRAGMENTS, Generator, groupsRt, PLAIN, usersRt } from "./differential-data";
import { QueryGenerator, type QuerySpec, type Tenant } from "./differential-queries";
import { Random } from "./random";

/** Options of differentialSuite: the store under test, its capabilities, and how much to generate. */
export interface DifferentialOptions extends Runner {
  /** Shown in test names. */
  name: string;
  /** The store under test; one per test, each generated tenant in a tenant of its own. */
  makeStore: () => Store | Promise<Store>;
  /** Closes a store the suite made, after its test. */
  closeStore?: (store: Store) => Promise<void> | void;
  /** `everyQuery` makes a 400 a failure; without it a 400 is the store's honest refusal. */
  capabilities?: StoreCapabilities;
  /** Generated tenants (default 100), each asked up to `queries` queries (default 12). */
  runs?: number;
  queries?: number;
  /** Default: a new one each time; a failure names it so that it can be replayed. */
  seed?: number;
  /** Characters the store cannot hold (PostgreSQL: "\u0000"); never generated, cases with them skipped. */
  cannotHold?: string[];
  /** Passed to `test` as its timeout, for runners that take one there (jest, vitest). */
  timeout?: number;
}

type Outcome = { total: number; ids: string[] } | { error: string };

interface Loaded {
  users: Stored[];
  groups: Stored[];
}

/** Loads a dataset; what create returned is each row as the store keeps it. */
async function load(store: Store, ctx: StoreContext, ds: Dataset): Promise<Loaded> {
  const users: Stored[] = [];
  for (const record of ds.users) users.push(await store.users.create(ctx, record));
  const groups: Stored[] = [];
  for (const g of ds.groups) {
    const members = g.members.map(
      (m): Member =>
        m >= 0
          ? { value: (users[m] as Stored).id, type: "User" }
          : { value: (groups[-1 - m] as Stored).id, type: "Group" },
    );
    groups.push(await store.groups.create(ctx, g.record, { members }));
  }
  return { users, groups };
}

/** A memory store holding the same rows, with the ids, versions and dates the store under test gave them. */
async function reference(ctx: StoreContext, ds: Dataset, loaded: Loaded): Promise<Store> {
  const rows = [...loaded.users, ...loaded.groups];
  const memory = stampedMemoryStore({}, () => {
    const s = rows.shift() as Stored;
    return { id: s.id, version: Number(s.version), created: s.created, lastModified: s.lastModified };
  });
  memory.configure?.(UNIQUE_KEYS);
  await load(memory, ctx, ds);
  return memory;
}

/** The query resolved once (both stores get the same tree), or undefined when it is not valid SCIM. */
function resolveQuery(q: QuerySpec) {
  try {
    const rt = q.kind === "users" ? usersRt : groupsRt;
    const filter = q.filter === undefined ? undefined : resolveFilter(rt, parseFilter(q.filter));
    const sort = resolveSort(rt, q.sortBy, q.sortOrder);
    return { filter, sort, startIndex: q.startIndex, count: q.count };
  } catch (error) {
    if (error instanceof ScimError) return undefined;
    throw error;
  }
}

async function answer(store: Store, ctx: StoreContext, q: QuerySpec): Promise<Outcome> {
  const resolved = resolveQuery(q) as NonNullable<ReturnType<typeof resolveQuery>>;
  try {
    const { total, items } = await store[q.kind].query(ctx, resolved);
    return { total, ids: items.map((s) => s.id) };
  } catch (error) {
    return { error: error instanceof ScimError ? `${error.status} ${error.scimType ?? ""}` : String(error) };
  }
}

const REFUSALS = ["400 invalidFilter", "400 invalidValue"];

interface Tally {
  compared: number;
  nonEmpty: number;
  refused: string[];
}

/** Compares one query on both stores: undefined when they agree, else the two answers, readable. */
async function differ(
  store: Store,
  memory: Store,
  ctx: StoreContext,
  loaded: Loaded,
  q: QuerySpec,
  options: DifferentialOptions,
  tally?: Tally,
): Promise<string | undefined> {
  const expected = await answer(memory, ctx, q);
  const actual = await answer(store, ctx, q);
  if ("error" in actual && REFUSALS.includes(actual.error) && !options.capabilities?.everyQuery) {
    tally?.refused.push(`${q.filter ?? ""} ${q.sortBy ?? ""}: ${actual.error}`);
    return undefined;
  }
  if (tally) tally.compared++;
  if (tally && "ids" in expected && expected.ids.length) tally.nonEmpty++;
  if (JSON.stringify(actual) === JSON.stringify(expected)) return undefined;
  const name = (id: string) => {
    const i = loaded.users.findIndex((s) => s.id === id);
    if (i >= 0) return `user${i}:${JSON.stringify(loaded.users[i]?.record.userName)}`;
    const j = loaded.groups.findIndex((s) => s.id === id);
    return j >= 0 ? `group${j}:${JSON.stringify(loaded.groups[j]?.record.displayName)}` : id;
  };
  const show = (o: Outcome) => JSON.stringify("error" in o ? o : { total: o.total, rows: o.ids.map(name) });
  return ` memory: ${show(expected)}\n store:  ${show(actual)}`;
}

/** Loads `ds` into a new tenant of each store and compares one query; the difference, if any. */
async function check(store: Store, ds: Dataset, q: QuerySpec, options: DifferentialOptions) {
  const ctx = { tenant: `diff-${randomUUID()}` };
  const loaded = await load(store, ctx, ds);
  return differ(store, await reference(ctx, ds, loaded), ctx, loaded, q, options);
}

const withoutUser = (ds: Dataset, i: number): Dataset => ({
  users: ds.users.filter((_, k) => k !== i),
  groups: ds.groups.map((g) => ({
    record: g.record,
    members: g.members.filter((m) => m !== i).map((m) => (m > i ? m - 1 : m)),
  })),
});
const withoutGroup = (ds: Dataset, j: number): Dataset => ({
  users: ds.users,
  groups: ds.groups
    .filter((_, k) => k !== j)
    .map((g) => ({
      record: g.record,
      members: g.members.filter((m) => m !== -1 - j).map((m) => (m < -1 - j ? m + 1 : m)),
    })),
});
const withoutKey = (ds: Dataset, i: number, key: string): Dataset => ({
  ...ds,
  users: ds.users.map((u, k) => (k === i ? Object.fromEntries(Object.entries(u).filter(([n]) => n !== key)) : u)),
});

/** The smallest dataset (fewest rows, then fewest attributes) on which `q` still differs. */
async function shrink(store: Store, ds: Dataset, q: QuerySpec, options: DifferentialOptions) {
  let smallest = ds;
  let last = "";
  for (let progress = true; progress; ) {
    progress = false;
    const candidates: Dataset[] = [
      ...smallest.users.map((_, i) => withoutUser(smallest, i)),
      ...smallest.groups.map((_, j) => withoutGroup(smallest, j)),
      ...smallest.users.flatMap((u, i) =>
        Object.keys(u)
          .filter((k) => k !== "userName")
          .map((k) => withoutKey(smallest, i, k)),
      ),
    ];
    for (const candidate of candidates) {
      if (!candidate.users.length) continue;
      const difference = await check(store, candidate, q, options).catch(() => undefined);
      if (difference) {
        [smallest, last, progress] = [candidate, difference, true];
        break;
      }
    }
  }
  return { ds: smallest, difference: last };
}

const holds = (options: DifferentialOptions) => (data: unknown) =>
  !(options.cannotHold ?? []).some((c) => JSON.stringify(data).includes(JSON.stringify(c).slice(1, -1)));

async function withStore(options: DifferentialOptions, body: (store: Store) => Promise<void>): Promise<void> {
  const store = await options.makeStore();
  store.configure?.(UNIQUE_KEYS);
  try {
    await body(store);
  } finally {
    await options.closeStore?.(store);
  }
}

async function generated(store: Store, options: DifferentialOptions, seed: number): Promise<Tally> {
  const r = new Random(seed);
  const fragments = FRAGMENTS.filter(
    (f) => !(options.cannotHold ?? []).some((c) => f.includes(c)) && (options.capabilities?.unicode || PLAIN(f)),
  );
  const tally: Tally = { compared: 0, nonEmpty: 0, refused: [] };
  for (let run = 0; run < (options.runs ?? 100); run++) {
    const g = new Generator(r, fragments, options.capabilities?.nestedGroups ?? false);
    const ds = g.dataset();
    const ctx = { tenant: `diff-${randomUUID()}` };
    const loaded = await load(store, ctx, ds);
    const memory = await reference(ctx, ds, loaded);
    const rows = [...loaded.users, ...loaded.groups];
    const tenant: Tenant = {
      strings: { users: strings(loaded.users), groups: strings(loaded.groups) },
      ids: rows.map((s) => s.id),
      times: rows.flatMap((s) => [s.created.getTime(), s.lastModified.getTime()]),
    };
    const queries = new QueryGenerator(g, tenant);
    // The reference numbers versions; a store with other opaque versions is not asked about them.
    const numbered = rows.every((s) => /^[1-9][0-9]*$/.test(s.version));
    for (let n = r.int(1, options.queries ?? 12); n > 0; n--) {
      const q = queries.query();
      if (!resolveQuery(q) || (!numbered && /version/i.test(`${q.filter} ${q.sortBy}`))) continue;
      const difference = await differ(store, memory, ctx, loaded, q, options, tally);
      if (!difference) continue;
      const small = await shrink(store, ds, q, options);
      throw new Error(
        `${options.name} differs from the memory store for ${JSON.stringify(q)}\n${small.difference || difference}\n` +
          ` data:   ${JSON.stringify(small.ds)}\n replay: differentialSuite({ seed: ${seed}, ... }) (run ${run})`,
      );
    }
  }
  return tally;
}

/** Every string value in some rows' records, to draw literals that hit. */
function strings(rows: Stored[]): string[] {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === "string") out.add(v);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  for (const s of rows) walk(s.record);
  return [...out].slice(0, 40);
}

/** Registers the differential suite: the fixed cases, then generated tenants and queries. */
export function differentialSuite(options: DifferentialOptions): void {
  const test = (name: string, fn: () => Promise<void>) =>
    options.timeout === undefined
      ? options.test(name, fn)
      : (options.test as (n: string, f: () => Promise<void>, t: number) => void)(name, fn, options.timeout);
  const canHold = holds(options);
  const capabilities = options.capabilities ?? {};
  options.describe(`differential (same answers as the memory store): ${options.name}`, () => {
    for (const c of DIFFERENTIAL_CASES) {
      const body = () => withStore(options, (store) => fixed(store, c, options));
      if (!canHold(c)) skipOf(options)(`fixed case: ${c.name} (skipped: holds a character in cannotHold)`, body);
      else (c.needs ? gated(options, capabilities, c.needs) : test)(`fixed case: ${c.name}`, body);
    }
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    const runs = options.runs ?? 100;
    test(`generated: ${runs} tenants x up to ${options.queries ?? 12} queries (seed ${seed})`, () =>
      withStore(options, async (store) => {
        const tally = await generated(store, options, seed);
        // A generator whose queries match nothing proves nothing.
        if (tally.nonEmpty * 4 < tally.compared) {
          throw new Error(`only ${tally.nonEmpty} of ${tally.compared} queries matched a record (seed ${seed})`);
        }
      }));
    gated(
      options,
      options.capabilities ?? {},
      "everyQuery",
    )("answers every query the memory store answers", () =>
      withStore(options, async (store) => {
        for (const c of DIFFERENTIAL_CASES.filter((c) => canHold(c) && (!c.needs || capabilities[c.needs]))) {
          const ctx = { tenant: `diff-${randomUUID()}` };
          await load(store, ctx, { users: c.users, groups: c.groups ?? [] });
          const got = await answer(store, ctx, c.query);
          if ("error" in got) throw new Error(`${c.name}: ${got.error}`);
        }
      }),
    );
  });
}

async function fixed(store: Store, c: DifferentialCase, options: DifferentialOptions): Promise<void> {
  if (!resolveQuery(c.query)) throw new Error(`not a valid query: ${JSON.stringify(c.query)}`);
  const difference = await check(store, { users: c.users, groups: c.groups ?? [] }, c.query, options);
  if (difference) throw new Error(`${options.name} differs from the memory store (${c.name})\n${difference}`);
}
