/**
 * The provider's storage for one process (sessions, codes, grants, refresh tokens): a map with
 * expiry. Enough locally — a restart signs everybody out, as the random dev secret did before.
 */
type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string };

type Entry = { payload: Payload; expiresAt: number };

/** An adapter class with its own storage (one per provider, so test servers do not share sessions). */
export function createMemoryAdapter() {
  const stores = new Map<string, Map<string, Entry>>();
  return class MemoryAdapter {
    private readonly store: Map<string, Entry>;

    constructor(readonly name: string) {
      let store = stores.get(name);
      if (!store) {
        store = new Map();
        stores.set(name, store);
      }
      this.store = store;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const expiresAt =
        typeof expiresIn === "number" ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
      this.store.set(id, { payload, expiresAt });
    }

    async find(id: string): Promise<Payload | undefined> {
      const entry = this.store.get(id);
      if (!entry) return undefined;
      if (entry.expiresAt <= Date.now()) {
        this.store.delete(id);
        return undefined;
      }
      return entry.payload;
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      for (const [id, entry] of this.store) if (entry.payload.uid === uid) return this.find(id);
      return undefined;
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      for (const [id, entry] of this.store) if (entry.payload.userCode === userCode) return this.find(id);
      return undefined;
    }

    async consume(id: string): Promise<void> {
      const entry = this.store.get(id);
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      this.store.delete(id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const store of stores.values()) {
        for (const [id, entry] of store) if (entry.payload.grantId === grantId) store.delete(id);
      }
    }
  };
}
