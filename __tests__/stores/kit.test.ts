/**
 * The store kit tested on itself: a recording runner collects what storeConformance registers,
 * so these tests see which cases run, which are skipped, and which fail for a dishonest store.
 */
import { memoryStore, memoryTokenRegistry, ScimError, type Store } from "../../lib";
import {
  differentialSuite,
  type StoreCapabilities,
  storeConformance,
  tokenRegistryConformance,
} from "../../lib/testing";

interface Registered {
  name: string;
  skipped: boolean;
  fn: () => Promise<void>;
}

function recordingRunner() {
  const registered: Registered[] = [];
  const prefix: string[] = [];
  const runner = {
    describe: (name: string, fn: () => void) => {
      prefix.push(name);
      fn();
      prefix.pop();
    },
    test: (name: string, fn: () => Promise<void>) =>
      void registered.push({ name: [...prefix, name].join(" > "), skipped: false, fn }),
    skip: (name: string, fn: () => Promise<void>) =>
      void registered.push({ name: [...prefix, name].join(" > "), skipped: true, fn }),
  };
  /** Runs every registered (not skipped) test; returns the names of those that failed. */
  const failures = async (match = /./) => {
    const failed: string[] = [];
    for (const t of registered.filter((r) => !r.skipped && match.test(r.name))) {
      await t.fn().catch(() => failed.push(t.name));
    }
    return failed;
  };
  return { runner, registered, failures };
}

const suite = (makeStore: () => Store, capabilities?: StoreCapabilities) => {
  const rec = recordingRunner();
  storeConformance({ name: "under test", makeStore, capabilities, ...rec.runner });
  return rec;
};

/** A memory store without its transaction, and one whose transaction keeps writes it should undo. */
const withoutTransaction = (): Store => {
  const store = memoryStore();
  delete store.transaction;
  return store;
};
const leakyTransaction = (): Store => {
  const store = memoryStore();
  store.transaction = (fn) => fn(store);
  return store;
};

test("an undeclared capability is registered as skipped, saying which capability", () => {
  const { registered } = suite(withoutTransaction, { costs: true });
  const skipped = registered.filter((r) => r.skipped).map((r) => r.name);
  expect(skipped).toContainEqual(
    expect.stringMatching(/a transaction that throws leaves nothing behind \(skipped: capability "transactions"/),
  );
  expect(skipped.some((n) => n.includes('capability "tokens"'))).toBe(true);
  expect(registered.filter((r) => !r.skipped).some((r) => /transaction/.test(r.name))).toBe(false);
});

test("the honest memory store passes every case it declares", async () => {
  const { failures, registered } = suite(() => memoryStore(), {
    transactions: true,
    costs: true,
    everyQuery: true,
    unicode: true,
    nestedGroups: true,
    outbox: true,
  });
  expect(registered.filter((r) => !r.skipped).length).toBeGreaterThan(20);
  expect(await failures()).toEqual([]);
});

test("a declared capability the store lacks fails, and so does one it has but does not declare", async () => {
  const lacking = suite(withoutTransaction, { transactions: true, costs: true });
  expect(await lacking.failures(/transaction|declares exactly/)).toEqual([
    expect.stringContaining("declares exactly the optional parts it has"),
    expect.stringContaining("a transaction that throws leaves nothing behind"),
    expect.stringContaining("a transaction that resolves keeps every write"),
  ]);
  const hiding = suite(() => memoryStore(), { costs: true });
  expect(await hiding.failures(/declares exactly/)).toEqual([
    expect.stringContaining("declares exactly the optional parts it has"),
  ]);
});

test("a transaction that does not roll back fails the transaction case", async () => {
  const { failures } = suite(leakyTransaction, { transactions: true, costs: true });
  expect(await failures(/transaction/)).toEqual([expect.stringContaining("a transaction that throws leaves nothing")]);
});

test("a registry's rotate is tested only when declared, and must be declared when present", async () => {
  const rec = recordingRunner();
  tokenRegistryConformance({ name: "memory", makeRegistry: () => memoryTokenRegistry(), ...rec.runner });
  expect(rec.registered.filter((r) => r.skipped).map((r) => r.name)).toEqual([
    expect.stringMatching(/rotate .* \(skipped: capability "rotate" not declared\)/),
  ]);
  // Every remaining case fails: the registry has rotate but did not say so.
  expect((await rec.failures()).length).toBe(rec.registered.filter((r) => !r.skipped).length);
});

describe("the differential suite", () => {
  const differential = (makeStore: () => Store, capabilities?: StoreCapabilities) => {
    const rec = recordingRunner();
    differentialSuite({ name: "under test", makeStore, capabilities, runs: 20, seed: 7, ...rec.runner });
    return rec;
  };
  /** A memory store whose queries compare userName case-sensitively: a plausible SQL mistake. */
  const caseSensitive = (): Store => {
    const store = memoryStore();
    const query = store.users.query;
    store.users.query = async (ctx, q) => {
      const page = await query(ctx, q);
      const literal = q.filter?.op === "eq" ? String(q.filter.compValue) : undefined;
      if (literal === undefined || q.filter?.op !== "eq" || q.filter.attrPath.path.join(".") !== "userName")
        return page;
      const items = page.items.filter((s) => s.record.userName === literal);
      return { total: items.length, items };
    };
    return store;
  };

  test("the memory store agrees with itself, ids, versions and dates included", async () => {
    const { failures } = differential(() => memoryStore(), { everyQuery: true, unicode: true, nestedGroups: true });
    expect(await failures()).toEqual([]);
  });

  test("a store that folds case differently fails a fixed case, and a refusal fails only under everyQuery", async () => {
    expect(await differential(caseSensitive, { unicode: true }).failures(/fixed case/)).toContainEqual(
      expect.stringContaining("the longest userName (512 astral characters)"),
    );
    const refusing = (): Store => {
      const store = memoryStore();
      store.users.query = async () => {
        throw new ScimError(400, "invalidFilter", "not here");
      };
      return store;
    };
    expect(await differential(refusing).failures(/fixed case/)).toEqual([]);
    expect((await differential(refusing, { everyQuery: true }).failures(/fixed case/)).length).toBeGreaterThan(5);
  });

  test("a generated difference is reported with its seed and the data shrunk", async () => {
    const offByOne = (): Store => {
      const store = memoryStore();
      const query = store.users.query;
      store.users.query = async (ctx, q) => {
        const page = await query(ctx, q);
        return page.total > 2 ? { ...page, total: page.total - 1 } : page;
      };
      return store;
    };
    const { registered } = differential(offByOne);
    const generated = registered.find((r) => r.name.includes("generated"));
    const error: Error = await generated!.fn().then(
      () => new Error("passed"),
      (e: Error) => e,
    );
    expect(error.message).toMatch(/differs from the memory store/);
    expect(error.message).toMatch(/seed: 7/);
    // Shrunk: three users are the fewest on which the total is off.
    const data = JSON.parse(/ data: {3}(.*)\n/.exec(error.message)![1]!);
    expect(data.users).toHaveLength(3);
  });
});
