/**
 * The token-registry conformance suite: what any TokenRegistry (memory, SQL, yours) must do.
 * Injected `describe`/`test`, node:assert, a fresh registry per test, like storeConformance.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { hashToken } from "../auth/manager";
import type { TokenRecord, TokenRegistry } from "../auth/registry";
import { gated, type Runner } from "./capabilities";

export interface TokenRegistryConformanceOptions extends Runner {
  name: string;
  /** Builds a fresh, empty registry for each test. */
  makeRegistry: () => TokenRegistry | Promise<TokenRegistry>;
  /** Whether the registry has `rotate`; a registry that has it and does not say so fails. */
  capabilities?: { rotate?: boolean };
}

function record(tenant: string, more: Partial<TokenRecord> = {}): TokenRecord {
  const secret = `scim_${randomUUID()}`;
  return {
    id: randomUUID(),
    tenant,
    scopes: ["get:users"],
    hash: hashToken(secret),
    hint: secret.slice(0, 11),
    createdAt: new Date(Math.floor(Date.now() / 1000) * 1000),
    ...more,
  };
}

type RegistryCase = (registry: TokenRegistry, tenant: string) => Promise<void>;

/** Registers the conformance suite every token registry must pass. */
export function tokenRegistryConformance(options: TokenRegistryConformanceOptions): void {
  const rotates = options.capabilities?.rotate ?? false;
  const make = async () => {
    const registry = await options.makeRegistry();
    assert.equal(
      typeof registry.rotate === "function",
      rotates,
      rotates ? "the registry declares rotate but does not have it" : "the registry has rotate but does not declare it",
    );
    return registry;
  };
  options.describe(`token registry conformance: ${options.name}`, () => {
    for (const [name, body] of REGISTRY_CASES) options.test(name, async () => body(await make(), `t-${randomUUID()}`));
    const rotateTest = gated(options, { rotate: rotates }, "rotate");
    rotateTest(ROTATE_CASE[0], async () => ROTATE_CASE[1](await make(), `t-${randomUUID()}`));
  });
}

/** What every registry does; the store suite runs these on `store.tokens` too. */
export const REGISTRY_CASES: [string, RegistryCase][] = [
  [
    "insert then find by hash returns the same record",
    async (registry, tenant) => {
      const r = record(tenant, {
        label: "okta",
        scopes: ["get:users", "post:users"],
        expiresAt: new Date("2030-01-01T00:00:00Z"),
        profile: "okta",
      });
      await registry.insert(r);
      assert.deepEqual(await registry.findByHash(r.hash), r);
      assert.equal(await registry.findByHash(hashToken("not issued")), null);
    },
  ],
  [
    "list is per tenant and newest first",
    async (registry, tenant) => {
      const older = record(tenant, { createdAt: new Date("2026-01-01T00:00:00Z") });
      const newer = record(tenant, { createdAt: new Date("2026-02-01T00:00:00Z") });
      await registry.insert(older);
      await registry.insert(newer);
      await registry.insert(record(`${tenant}-other`));
      assert.deepEqual(
        (await registry.list(tenant)).map((r) => r.id),
        [newer.id, older.id],
      );
    },
  ],
  [
    "revoke marks the record once; unknown ids answer false",
    async (registry, tenant) => {
      const r = record(tenant);
      await registry.insert(r);
      const first = new Date("2026-03-01T00:00:00Z");
      assert.equal(await registry.revoke(r.id, first), true);
      assert.equal(await registry.revoke(r.id, new Date("2026-04-01T00:00:00Z")), true);
      assert.equal((await registry.findByHash(r.hash))?.revokedAt?.getTime(), first.getTime());
      assert.equal(await registry.revoke(randomUUID(), first), false);
    },
  ],
  [
    "expire only ever shortens a token's life",
    async (registry, tenant) => {
      const r = record(tenant, { expiresAt: new Date("2026-06-01T00:00:00Z") });
      await registry.insert(r);
      await registry.expire(r.id, new Date("2026-07-01T00:00:00Z"));
      assert.equal((await registry.findByHash(r.hash))?.expiresAt?.toISOString(), "2026-06-01T00:00:00.000Z");
      await registry.expire(r.id, new Date("2026-05-01T00:00:00Z"));
      assert.equal((await registry.findByHash(r.hash))?.expiresAt?.toISOString(), "2026-05-01T00:00:00.000Z");
    },
  ],
  [
    "a hash can be registered only once",
    async (registry, tenant) => {
      const r = record(tenant);
      await registry.insert(r);
      await assert.rejects(registry.insert({ ...r, id: randomUUID() }));
    },
  ],
];

/** Only for registries that have `rotate`. */
export const ROTATE_CASE: [string, RegistryCase] = [
  "rotate issues the successor and marks the old token in one write",
  async (registry, tenant) => {
    const rotate = registry.rotate?.bind(registry);
    assert.ok(rotate, "the registry has no rotate");
    const old = record(tenant, { expiresAt: new Date("2027-01-01T00:00:00Z") });
    await registry.insert(old);
    const at = new Date("2026-05-01T00:00:00Z");
    const successor = record(tenant);
    await rotate(old.id, successor, new Date("2026-05-01T01:00:00Z"), at);
    assert.equal((await registry.findByHash(successor.hash))?.id, successor.id);
    const after = await registry.findByHash(old.hash);
    assert.equal(after?.expiresAt?.toISOString(), "2026-05-01T01:00:00.000Z");
    assert.equal(after?.rotatedAt?.getTime(), at.getTime());
    // A successor whose hash is taken fails the whole rotation: the old token stays as it was.
    const clash = { ...record(tenant), hash: successor.hash };
    await assert.rejects(rotate(old.id, clash, new Date("2026-05-01T00:30:00Z"), new Date("2026-05-01T00:10:00Z")));
    assert.equal((await registry.findByHash(old.hash))?.expiresAt?.toISOString(), "2026-05-01T01:00:00.000Z");
    assert.equal((await registry.list(tenant)).length, 2);
  },
];
