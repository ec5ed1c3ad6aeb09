/**
 * Hooks run inside the request, before the write, and can veto it by throwing a ScimError
 * (which becomes the response). Anything else they throw is a 500, like any other bug.
 */
import type { Principal } from "../auth/principal";
import type { PatchOperation } from "../protocol/patch";
import type { Store } from "../stores/types";

/** What every hook receives: the tenant, the caller and the resource type. */
export interface HookContext {
  tenant: string;
  principal: Principal;
  /**
   * The store to use for writes that must land with this one: the transaction's store when
   * `hooks.transactional` is on and the store has transactions, otherwise the router's store.
   */
  store: Store;
}

/** Runs before a resource is created; throw a ScimError to refuse it. */
export type CreateHook = (ctx: HookContext & { resource: Record<string, unknown> }) => unknown;
/** Runs before a resource is replaced (PUT); throw a ScimError to refuse it. */
export type ReplaceHook = (
  ctx: HookContext & { id: string; resource: Record<string, unknown>; current: Record<string, unknown> },
) => unknown;
/** Runs before a PATCH is applied; throw a ScimError to refuse it. */
export type PatchHook = (
  ctx: HookContext & {
    id: string;
    operations: PatchOperation[];
    resource: Record<string, unknown>;
    current: Record<string, unknown>;
  },
) => unknown;
/** Runs before a resource is deleted; throw a ScimError to refuse it. */
export type DeleteHook = (ctx: HookContext & { id: string; current: Record<string, unknown> }) => unknown;

/** The hooks of one resource type, one per write. */
export interface ResourceHooks {
  beforeCreate?: CreateHook;
  beforeReplace?: ReplaceHook;
  beforePatch?: PatchHook;
  beforeDelete?: DeleteHook;
}

/** Every hook name, in one list: the option check reads it; the compiler keeps it in step with ResourceHooks. */
export const HOOK_NAMES = [
  "beforeCreate",
  "beforeReplace",
  "beforePatch",
  "beforeDelete",
] as const satisfies readonly (keyof ResourceHooks)[];

// Fails to compile when ResourceHooks gains a hook that HOOK_NAMES does not list.
type Unlisted = Exclude<keyof ResourceHooks, (typeof HOOK_NAMES)[number]>;
const everyHookListed: [Unlisted] extends [never] ? true : never = true;
void everyHookListed;

/** Before-write hooks for users and groups (the `hooks` option). */
export interface Hooks {
  users?: ResourceHooks;
  groups?: ResourceHooks;
  /**
   * Run each hook and its write in one store transaction, so a hook's own writes through
   * `ctx.store` land or roll back with the request's. Costs: the transaction stays open while
   * the hook runs (on SQLite and memory that blocks every other request), so keep such hooks
   * short. Default false: hooks run outside any transaction, on a read of their own, and the
   * write lands only at the version the hook saw (else the request, hook included, runs again).
   */
  transactional?: boolean;
}
