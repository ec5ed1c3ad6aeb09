/**
 * The store kit tested on itself: a recording runner collects what storeConformance registers,
 * so these tests see which cases run, which are skipped, and which fail for a dishonest store.
 */
import { memoryStore, memoryTokenRegistry, type Store } from "../../lib";
import { type StoreCapabilities, storeConformance, tokenRegistryConformance } from "../../lib/testing";

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
  const { failures, registered } = suite(() => memoryStore(), { transactions: true, costs: true, everyQuery: true });
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
