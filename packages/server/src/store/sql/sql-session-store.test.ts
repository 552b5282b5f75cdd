import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sessionStoreContract } from '../../auth/session/contract/session-store.contract.js';
import { describeOnBackend, testBackends, type TestDatabase } from '../../testing/backends.js';
import { NO_PASSWORD_HASH } from '../user-identity-store.js';
import { createDialect } from './dialects/create-dialect.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';
import { SqlAuthStore } from './sql-auth-store.js';
import { SqlSessionStore } from './sql-session-store.js';
import { SqlUserIdentityStore } from './sql-user-identity-store.js';

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'SqlSessionStore and SqlUserIdentityStore', () => {
    let database: TestDatabase;
    let dialect: SqlDialect;
    let db: Kysely<Database>;
    beforeAll(async () => {
      database = await backend.create();
      dialect = createDialect(database.uri);
      db = dialect.createKysely();
      await migrateToLatest(db, dialect);
    });
    afterAll(async () => {
      await db?.destroy();
      await database?.drop();
    });

    // Each contract test starts from an empty table (it counts what it deletes).
    sessionStoreContract(async () => {
      await db.deleteFrom('browser_sessions').execute();
      return new SqlSessionStore(db);
    });

    it('keeps the user stamp of a session', async () => {
      const store = new SqlSessionStore(db);
      const record = {
        idHash: 'a'.repeat(64),
        username: 'stamped',
        isAdmin: true,
        method: 'password' as const,
        userStamp: 's'.repeat(32),
        csrfToken: 'c',
        createdAt: 1,
        lastSeenAt: 2,
        expiresAt: 9_999_999_999_999,
      };
      await store.create(record);
      expect(await store.find(record.idHash)).toEqual(record);
    });

    it('links an account to a new user in one write that bumps the auth generation; a taken name or account is refused; the link goes with its user', async () => {
      const auth = new SqlAuthStore(db, dialect);
      const identities = new SqlUserIdentityStore(db, dialect);
      const key = { issuer: 'https://id.example.com', subject: 'sub-1' };
      expect(await identities.findUsername(key)).toBeUndefined();
      const before = await auth.generation();
      const user = await identities.createLinkedUser(key, 'sso-alice', true);
      expect(user).toMatchObject({ username: 'sso-alice', isAdmin: true, passwordHash: NO_PASSWORD_HASH });
      expect(await auth.generation()).toBe(before + 1);
      expect(await auth.getUser('sso-alice')).toEqual(user);
      expect(await identities.findUsername(key)).toBe('sso-alice');

      await auth.createUser('password-bob', 'scrypt$x', false);
      expect(await identities.createLinkedUser({ ...key, subject: 'sub-2' }, 'password-bob', false)).toBe('taken');
      expect(await identities.findUsername({ ...key, subject: 'sub-2' })).toBeUndefined();
      expect(await identities.createLinkedUser(key, 'sso-alice-2', false)).toBe('taken');
      expect(await auth.getUser('sso-alice-2')).toBeUndefined();

      await auth.deleteUser('sso-alice');
      expect(await identities.findUsername(key)).toBeUndefined();
    });
  });
}
