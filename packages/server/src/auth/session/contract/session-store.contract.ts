import { beforeEach, describe, expect, it } from 'vitest';
import type { SessionRecord, SessionStore } from '../session-store.js';

let seq = 0;

/** A session record with a unique id hash; `overrides` set what a test looks at. */
function record(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const n = ++seq;
  return {
    idHash: n.toString(16).padStart(64, '0'),
    username: 'alice',
    isAdmin: false,
    method: 'oidc',
    issuer: 'https://id.example.com',
    subject: `sub-${n}`,
    csrfToken: `csrf-${n}`,
    createdAt: 1_000,
    lastSeenAt: 1_000,
    expiresAt: 100_000,
    ...overrides,
  };
}

/**
 * The behaviour every SessionStore must have: records come back as stored (numbers as numbers,
 * optional fields as undefined), ids are unique, touch and the deletions do what they say and count
 * what they removed. A SQL implementation runs this on SQLite and PostgreSQL alike.
 *
 * @example
 * sessionStoreContract(async () => new MemorySessionStore());
 */
export function sessionStoreContract(factory: () => Promise<SessionStore>): void {
  describe('SessionStore contract', () => {
    let store: SessionStore;
    beforeEach(async () => {
      store = await factory();
    });

    it('stores and finds a record as given', async () => {
      const admin = record({ isAdmin: true });
      const password = record({ method: 'password', issuer: undefined, subject: undefined });
      await store.create(admin);
      await store.create(password);
      expect(await store.find(admin.idHash)).toEqual(admin);
      // SQL NULL comes back as undefined, as the record type says.
      expect(await store.find(password.idHash)).toEqual(password);
      expect(await store.find('f'.repeat(64))).toBeUndefined();
    });

    it('refuses a second record with the same id hash', async () => {
      const first = record();
      await store.create(first);
      await expect(store.create({ ...first, username: 'mallory' })).rejects.toThrow();
      expect((await store.find(first.idHash))?.username).toBe('alice');
    });

    it('touches and deletes one record', async () => {
      const a = record();
      const b = record();
      await store.create(a);
      await store.create(b);
      await store.touch(a.idHash, 5_000);
      await store.touch('e'.repeat(64), 5_000);
      expect((await store.find(a.idHash))?.lastSeenAt).toBe(5_000);
      await store.delete(a.idHash);
      expect(await store.find(a.idHash)).toBeUndefined();
      expect(await store.find(b.idHash)).toBeDefined();
    });

    it("deletes a user's sessions, and expired or idle ones", async () => {
      const bob1 = record({ username: 'bob' });
      const bob2 = record({ username: 'bob' });
      const carol = record({ username: 'carol' });
      for (const r of [bob1, bob2, carol]) await store.create(r);
      expect(await store.deleteForUser('bob')).toBe(2);
      expect(await store.find(carol.idHash)).toBeDefined();

      const expired = record({ expiresAt: 50_000, lastSeenAt: 40_000 });
      const idle = record({ lastSeenAt: 10_000 });
      const live = record({ lastSeenAt: 30_000 });
      for (const r of [expired, idle, live]) await store.create(r);
      expect(await store.deleteExpired(50_000, 20_000)).toBe(3); // expired, idle, and carol (last seen at 1000)
      expect(await store.find(live.idHash)).toBeDefined();
      expect(await store.find(expired.idHash)).toBeUndefined();
      expect(await store.find(idle.idHash)).toBeUndefined();
    });
  });
}
