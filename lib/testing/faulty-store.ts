/**
 * A store wrapper that fails at chosen calls: fault injection for hosts and for our own proof
 * suites. Every method of the wrapped store goes through `plan.failAt`; when it answers true,
 * the call throws an `InjectedFault` instead of (or, with `when: "after"`, right after)
 * reaching the real store. `transaction` is wrapped too, and the store handed to the
 * transaction's callback is wrapped the same way, so faults inside a transaction fire and the
 * real store's rollback is what gets tested.
 */
import type { Store } from "../stores/types";

/** The part of a store a call goes to. */
export type FaultResource = "users" | "groups" | "store";

/** One call made to the wrapped store. */
export interface StoreCall {
  /** `store` for `transaction`. */
  resource: FaultResource;
  method: string;
  /** 1-based position of this call among all calls through this wrapper (see `reset`). */
  n: number;
  /** True when the call happens inside a transaction's callback. */
  inTransaction: boolean;
  args: readonly unknown[];
}

/** Which store calls fail, and how. */
export interface FaultPlan {
  /** Decides, per call, whether it fails. Default: never. */
  failAt?: (call: StoreCall) => boolean;
  /**
   * `before` (default): the real store is not called, as when a connection drops before the
   * query. `after`: the real store does the work, then the call throws, as when the
   * acknowledgement is lost; inside a transaction the real store must then roll back.
   */
  when?: "before" | "after";
  /** The error thrown; default `new InjectedFault(call)`. */
  error?: (call: StoreCall) => Error;
  /** Sees every call, failing or not, in order. */
  onCall?: (call: StoreCall) => void;
}

/** The error a faulty store throws where its plan says. */
export class InjectedFault extends Error {
  constructor(readonly call: StoreCall) {
    super(`injected fault #${call.n} in ${call.resource}.${call.method}`);
    this.name = "InjectedFault";
  }
}

/** A store that fails as planned, and records its calls. */
export interface FaultyStore extends Store {
  /** Every call so far (since the last `reset`), in order. */
  readonly calls: readonly StoreCall[];
  /** Swaps the plan; call numbering continues unless `reset` is called. */
  setPlan(plan: FaultPlan): void;
  /** Clears the call log and restarts numbering at 1. */
  reset(): void;
  /** The wrapped store. */
  readonly inner: Store;
}

const RESOURCE_METHODS = ["create", "get", "query", "replace", "delete"] as const;
const MEMBER_METHODS = ["addMembers", "removeMembers", "replaceMembers", "groupsOf"] as const;
/** Wrapped only where the inner store has them, so the service's fallback stays reachable. */
const BATCH_METHODS = ["groupsOfMany", "membersOfMany", "membersPage"] as const;

/** Wraps `inner` so that chosen calls fail, to test how the router takes store failures. */
export function faultyStore(inner: Store, plan: FaultPlan = {}): FaultyStore {
  let current = plan;
  let calls: StoreCall[] = [];

  async function invoke<T>(
    resource: FaultResource,
    method: string,
    inTransaction: boolean,
    args: unknown[],
    real: () => Promise<T>,
  ): Promise<T> {
    const call: StoreCall = { resource, method, n: calls.length + 1, inTransaction, args };
    calls.push(call);
    current.onCall?.(call);
    const fails = current.failAt?.(call) ?? false;
    const fault = () => (current.error ? current.error(call) : new InjectedFault(call));
    if (fails && current.when !== "after") throw fault();
    const result = await real();
    if (fails) throw fault();
    return result;
  }

  function wrap(target: Store, inTransaction: boolean): Store {
    const table = (resource: "users" | "groups") => {
      const real = target[resource] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      const out: Record<string, unknown> = {};
      const batch = BATCH_METHODS.filter((m) => typeof real[m] === "function");
      const methods: readonly string[] =
        resource === "groups" ? [...RESOURCE_METHODS, ...MEMBER_METHODS, ...batch] : RESOURCE_METHODS;
      for (const method of methods) {
        out[method] = (...args: unknown[]) =>
          invoke(resource, method, inTransaction, args, () => real[method]!.apply(target[resource], args));
      }
      // An iterable, not a promise: the call is logged (and may fail) when iteration starts.
      if (batch.includes("membersOfMany")) {
        out.membersOfMany = async function* (...args: unknown[]) {
          const start = () => Promise.resolve(real.membersOfMany!.apply(target[resource], args));
          yield* (await invoke(
            resource,
            "membersOfMany",
            inTransaction,
            args,
            start,
          )) as unknown as AsyncIterable<unknown>;
        };
      }
      return out;
    };
    const wrapped: Store = {
      users: table("users") as unknown as Store["users"],
      groups: table("groups") as unknown as Store["groups"],
    };
    if (target.configure) wrapped.configure = (config) => target.configure!(config);
    if (target.transaction) {
      wrapped.transaction = <T>(fn: (store: Store) => Promise<T>) =>
        invoke("store", "transaction", inTransaction, [], () =>
          target.transaction!((scoped) => fn(wrap(scoped, true))),
        );
    }
    return wrapped;
  }

  const outer = wrap(inner, false) as FaultyStore;
  Object.defineProperties(outer, {
    calls: { get: () => calls },
    inner: { value: inner },
    setPlan: {
      value: (next: FaultPlan) => {
        current = next;
      },
    },
    reset: {
      value: () => {
        calls = [];
      },
    },
  });
  return outer;
}

/** Fails exactly the `n`th call (1-based) after the next `reset()`; handy with `when`. */
export function failNth(n: number, when: FaultPlan["when"] = "before"): FaultPlan {
  return { failAt: (call) => call.n === n, when };
}
