/**
 * Issue 17: the memory store's sorted indexes. Counted, never timed: at 200,000 users a cursor
 * page, a `sortBy=userName` page and a `userName sw` query read rows in proportion to the page
 * (or the matches), not to the table. And the chunked index itself keeps the order a plain sort
 * gives through random inserts and removals.
 */
import { memoryStore, type Position, type Query, type Store } from "../../lib";
import { compareSortKeys } from "../../lib/protocol/filter/sort";
import { inspectMemoryStore } from "../../lib/stores/memory";
import { SortedIndex } from "../../lib/stores/memory/sorted";
import type { Row } from "../../lib/stores/memory/row";
import type { ResolvedFilter } from "../../lib/protocol/filter/ast";

const ctx = { tenant: "t" };
const USERS = 200_000;
const userName = {
  path: ["userName"],
  multiValued: false,
  caseExact: false,
  type: "string" as const,
  descending: false,
};

describe("memory store at 200,000 users", () => {
  let store: Store;
  beforeAll(async () => {
    store = memoryStore({ unique: { users: [{ path: ["userName"], caseExact: false }] } });
    // userNames out of insertion order, so sorted and unsorted walks differ.
    for (let i = 0; i < USERS; i++)
      await store.users.create(ctx, { userName: `user${String((i * 7919) % USERS).padStart(6, "0")}` });
  }, 120_000);

  const reads = async (q: Query) => {
    const before = inspectMemoryStore(store).reads;
    const result = await store.users.query(ctx, q);
    return { result, reads: inspectMemoryStore(store).reads - before };
  };

  /** Walks `pages` pages by keyset and returns the rows read by the last one, and its items. */
  async function deepPage(q: Omit<Query, "startIndex" | "count" | "keyset">, pages: number) {
    let after: Position | undefined;
    for (let i = 0; i < pages - 1; i++) {
      const { result } = await reads({ ...q, startIndex: 1, count: 100, keyset: after === undefined ? {} : { after } });
      after = result.positions![result.positions!.length - 1];
    }
    return reads({ ...q, startIndex: 1, count: 100, keyset: { after: after! } });
  }

  test("a cursor page deep in an unsorted list reads one page of rows", async () => {
    const { result, reads: n } = await deepPage({}, 1_500);
    expect(result.items).toHaveLength(100);
    expect(result.total).toBe(USERS);
    expect(n).toBeLessThanOrEqual(100);
  });

  test("a cursor page deep in sortBy=userName reads one page of rows, in order", async () => {
    const { result, reads: n } = await deepPage({ sort: userName }, 1_200);
    expect(n).toBeLessThanOrEqual(100);
    expect(result.items.map((s) => s.record.userName)).toEqual(
      Array.from({ length: 100 }, (_, i) => `user${String(119_900 + i).padStart(6, "0")}`),
    );
  });

  test("index paging by userName (startIndex 150,001) reads one page, not the table", async () => {
    const { result, reads: n } = await reads({ sort: userName, startIndex: 150_001, count: 100 });
    expect(result.items[0]!.record.userName).toBe("user150000");
    expect(n).toBeLessThanOrEqual(100);
    const desc = await reads({ sort: { ...userName, descending: true }, startIndex: 1, count: 100 });
    expect(desc.result.items[0]!.record.userName).toBe("user199999");
    expect(desc.reads).toBeLessThanOrEqual(100);
  });

  test("userName sw reads the matches only", async () => {
    const filter: ResolvedFilter = {
      op: "sw",
      attrPath: { path: ["userName"], type: "string", caseExact: false, multiValued: false },
      compValue: "USER1234",
    };
    const { result, reads: n } = await reads({ filter, startIndex: 1, count: 1000 });
    expect(result.total).toBe(100);
    expect(result.items.every((s) => String(s.record.userName).startsWith("user1234"))).toBe(true);
    expect(n).toBe(100);
  });
});

describe("SortedIndex", () => {
  const row = (id: number, key: number | string | undefined): Row =>
    ({
      id: String(id),
      seq: id,
      record: { k: key },
      version: 1,
      created: new Date(0),
      lastModified: new Date(0),
    }) as Row;

  test("keeps a plain sort's order through inserts and removals, and walks from any place", () => {
    const keyOf = (r: Row) => r.record.k as number | string | undefined;
    const index = new SortedIndex(keyOf);
    const live = new Map<number, Row>();
    // A deterministic mix of numbers, strings, ties and missing keys, large enough to split chunks.
    let x = 12345;
    const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
    for (let i = 1; i <= 6000; i++) {
      const pick = next() % 10;
      const key = pick === 0 ? undefined : pick < 4 ? next() % 50 : `s${next() % 300}`;
      const r = row(i, key);
      index.add(r);
      live.set(i, r);
      if (next() % 3 === 0) {
        const victim = live.get(1 + (next() % i));
        if (victim) {
          index.remove(victim);
          live.delete(Number(victim.id));
        }
      }
    }
    for (const descending of [false, true]) {
      const expected = [...live.values()].sort(
        (a, b) => compareSortKeys(keyOf(a), keyOf(b), descending) || a.seq - b.seq,
      );
      const walked = [...index.walk(descending)].map((e) => e.id);
      expect(walked).toEqual(expected.map((r) => r.id));
      // From the middle of the order: exactly what follows.
      const from = expected[1234]!;
      expect([...index.walk(descending, { key: keyOf(from), seq: from.seq })].map((e) => e.id)).toEqual(
        expected.slice(1235).map((r) => r.id),
      );
    }
    expect(index.size).toBe(live.size);
  });
});
