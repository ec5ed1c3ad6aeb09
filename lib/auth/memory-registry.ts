/** A token registry in process memory: for tests, demos and single-instance apps. */
import type { TokenRecord, TokenRegistry } from "./registry";

/** A token registry in process memory, for development and tests. */
export function memoryTokenRegistry(): TokenRegistry {
  const byId = new Map<string, TokenRecord>();
  const byHash = new Map<string, string>();
  const copy = (r: TokenRecord): TokenRecord => ({ ...r, scopes: [...r.scopes] });
  const update = (id: string, change: (r: TokenRecord) => TokenRecord) => {
    const r = byId.get(id);
    if (!r) return false;
    byId.set(id, change(r));
    return true;
  };
  const shorten = (at: Date) => (r: TokenRecord) => ({
    ...r,
    expiresAt: r.expiresAt && r.expiresAt < at ? r.expiresAt : at,
  });
  const insert = async (record: TokenRecord) => {
    if (byId.has(record.id) || byHash.has(record.hash)) throw new Error("token id or hash already registered");
    byId.set(record.id, copy(record));
    byHash.set(record.hash, record.id);
  };
  return {
    insert,
    async findByHash(hash) {
      const id = byHash.get(hash);
      const r = id === undefined ? undefined : byId.get(id);
      return r ? copy(r) : null;
    },
    async list(tenant) {
      return [...byId.values()]
        .filter((r) => tenant === undefined || r.tenant === tenant)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .map(copy);
    },
    async revoke(id, at) {
      return update(id, (r) => ({ ...r, revokedAt: r.revokedAt ?? at }));
    },
    async expire(id, at) {
      return update(id, shorten(at));
    },
    async rotate(id, successor, until, at) {
      if (!byId.has(id)) throw new Error(`no token ${id}`);
      await insert(successor);
      update(id, (r) => ({ ...shorten(until)(r), rotatedAt: at }));
    },
  };
}
