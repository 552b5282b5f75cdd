import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiTokenStore, NewApiToken } from '../api-token-store.js';
import type { AuditStore } from '../audit-store.js';
import type { AuditEntry, AuthStore, UserRecord } from '../auth-store.js';

/** The stores the token and audit contract needs, on one fresh database. */
export interface TokenAuditStores {
  auth: AuthStore;
  tokens: ApiTokenStore;
  audit: AuditStore;
  dispose(): Promise<void>;
}

function entry(action: string, time: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return { time, actor: 'admin', via: 'basic', action, resourceType: 'user', resourceId: 'x', detail: '{}', ...overrides };
}

/**
 * The behaviour every ApiTokenStore and AuditStore must have (docs/adr/0013-auth.md §7, §8), run by
 * each backend's test file: tokens found by their secret's hash with their user, revoked once,
 * touched at most once per interval; audit events written with the change that caused them (and only
 * when it changed something), read newest first in keyset pages with filters.
 *
 * @example
 * apiTokenAuditContract(() => openSqlStores(backend));
 */
export function apiTokenAuditContract(factory: () => Promise<TokenAuditStores>): void {
  describe('ApiTokenStore and AuditStore contract', () => {
    let s: TokenAuditStores;
    let alice: UserRecord;
    const newToken = (id: string, overrides: Partial<NewApiToken> = {}): NewApiToken => ({
      id,
      userId: alice.id,
      name: `token ${id}`,
      secretHash: `hash-${id}`,
      tokenPrefix: 'lpt_abcd',
      createdAt: 1000,
      ...overrides,
    });
    beforeEach(async () => {
      s = await factory();
      alice = (await s.auth.createUser('alice', 'hash-a', false)) as UserRecord;
    });
    afterEach(async () => {
      await s.dispose();
    });

    it('creates a token, finds it by its secret hash with its user, lists a user tokens newest first', async () => {
      const before = await s.auth.generation();
      const created = await s.tokens.createToken(newToken('t1', { expiresAt: 5000 }), entry('token.create', 1000));
      expect(created).toEqual({ id: 't1', userId: alice.id, username: 'alice', name: 'token t1', tokenPrefix: 'lpt_abcd', createdAt: 1000, expiresAt: 5000 });
      expect(await s.auth.generation()).toBeGreaterThan(before);
      await s.tokens.createToken(newToken('t2', { createdAt: 2000 }), entry('token.create', 2000));
      expect(await s.tokens.tokenBySecretHash('hash-t1')).toEqual({ token: created, user: alice });
      expect(await s.tokens.tokenBySecretHash('hash-none')).toBeUndefined();
      expect((await s.tokens.listTokens(alice.id)).map((t) => t.id)).toEqual(['t2', 't1']);
      expect(await s.tokens.getToken('t1')).toEqual(created);
      expect(await s.tokens.getToken('none')).toBeUndefined();
    });

    it('revokes a token once, with its audit event and a generation bump', async () => {
      await s.tokens.createToken(newToken('t1'), entry('token.create', 1000));
      const before = await s.auth.generation();
      expect(await s.tokens.revokeToken('t1', 3000, entry('token.revoke', 3000, { resourceId: 't1' }))).toBe(true);
      expect(await s.auth.generation()).toBeGreaterThan(before);
      expect(await s.tokens.revokeToken('t1', 4000, entry('token.revoke', 4000, { resourceId: 't1' }))).toBe(false);
      expect(await s.tokens.revokeToken('none', 4000, entry('token.revoke', 4000))).toBe(false);
      expect((await s.tokens.getToken('t1'))?.revokedAt).toBe(3000);
      const revokes = await s.audit.search({ maxResults: 10, action: 'token.revoke' });
      expect(revokes.events.map((e) => e.time)).toEqual([3000]);
    });

    it('records a use at most once per interval, each with its audit event', async () => {
      await s.tokens.createToken(newToken('t1'), entry('token.create', 1000));
      const use = (at: number) => s.tokens.touchToken('t1', at, 60_000, entry('token.use', at, { resourceId: 't1' }));
      expect(await use(10_000)).toBe(true);
      expect(await use(40_000)).toBe(false);
      expect(await use(70_000)).toBe(true);
      expect((await s.tokens.getToken('t1'))?.lastUsedAt).toBe(70_000);
      expect((await s.audit.search({ maxResults: 10, action: 'token.use' })).events.map((e) => e.time)).toEqual([70_000, 10_000]);
    });

    it('forgets a deleted user tokens, so their secret finds nothing', async () => {
      await s.tokens.createToken(newToken('t1'), entry('token.create', 1000));
      expect(await s.auth.deleteUser('alice', entry('user.delete', 2000, { resourceId: 'alice' }))).toBe(true);
      expect(await s.tokens.tokenBySecretHash('hash-t1')).toBeUndefined();
      expect(await s.tokens.getToken('t1')).toBeUndefined();
    });

    it('audits auth writes in their transaction, and only the writes that changed something', async () => {
      await s.auth.updateAdmin('alice', true, entry('user.update_admin', 1, { resourceId: 'alice' }));
      await s.auth.updateAdmin('nobody', true, entry('user.update_admin', 2, { resourceId: 'nobody' }));
      expect(await s.auth.createUser('alice', 'h', false, entry('user.create', 3))).toBe('taken');
      await s.auth.createExperimentPermission({ experimentId: '1', userId: alice.id, permission: 'READ' }, entry('permission.create', 4));
      expect(await s.auth.createExperimentPermission({ experimentId: '1', userId: alice.id, permission: 'READ' }, entry('permission.create', 5))).toBe('taken');
      await s.auth.deleteExperimentPermission('1', alice.id, entry('permission.delete', 6));
      await s.auth.deleteExperimentPermission('1', alice.id, entry('permission.delete', 7));
      const { events } = await s.audit.search({ maxResults: 10 });
      expect(events.map((e) => [e.action, e.time])).toEqual([
        ['permission.delete', 6],
        ['permission.create', 4],
        ['user.update_admin', 1],
      ]);
    });

    it('lists users and who holds permissions on an experiment or registered model', async () => {
      const bob = (await s.auth.createUser('bob', 'hash-b', true)) as UserRecord;
      expect((await s.auth.listUsers()).map((u) => [u.username, u.isAdmin])).toEqual([
        ['alice', false],
        ['bob', true],
      ]);
      await s.auth.createExperimentPermission({ experimentId: '1', userId: bob.id, permission: 'MANAGE' });
      await s.auth.createExperimentPermission({ experimentId: '1', userId: alice.id, permission: 'READ' });
      await s.auth.createExperimentPermission({ experimentId: '2', userId: alice.id, permission: 'EDIT' });
      await s.auth.createRegisteredModelPermission({ name: 'm', userId: alice.id, permission: 'NO_PERMISSIONS' });
      expect(await s.auth.experimentPermissionHolders('1')).toEqual([
        { username: 'alice', permission: 'READ' },
        { username: 'bob', permission: 'MANAGE' },
      ]);
      expect(await s.auth.registeredModelPermissionHolders('m')).toEqual([{ username: 'alice', permission: 'NO_PERMISSIONS' }]);
      expect(await s.auth.experimentPermissionHolders('9')).toEqual([]);
    });

    it('searches the log newest first in pages, narrowed by actor, action and resource type', async () => {
      for (let i = 1; i <= 5; i++)
        await s.audit.record(
          entry(i % 2 ? 'experiment.delete' : 'run.delete', 100 * i, {
            actor: i <= 2 ? 'bob' : 'admin',
            resourceType: i % 2 ? 'experiment' : 'run',
            resourceId: String(i),
            via: 'bearer',
          }),
        );
      // Two events at the same time are ordered by insertion, newest first, and never split or repeated across pages.
      await s.audit.record(entry('run.delete', 500, { resourceType: 'run', resourceId: '6' }));
      const seen: string[] = [];
      let pageToken: string | undefined;
      do {
        const page = await s.audit.search({ maxResults: 2, ...(pageToken ? { pageToken } : {}) });
        seen.push(...page.events.map((e) => e.resourceId));
        pageToken = page.nextPageToken;
      } while (pageToken);
      expect(seen).toEqual(['6', '5', '4', '3', '2', '1']);
      const first = (await s.audit.search({ maxResults: 1 })).events[0];
      expect(first).toEqual({
        id: expect.any(String),
        time: 500,
        actor: 'admin',
        via: 'basic',
        action: 'run.delete',
        resourceType: 'run',
        resourceId: '6',
        detail: '{}',
      });
      expect((await s.audit.search({ maxResults: 10, actor: 'bob' })).events.map((e) => e.resourceId)).toEqual(['2', '1']);
      expect((await s.audit.search({ maxResults: 10, action: 'experiment.delete' })).events.map((e) => e.resourceId)).toEqual(['5', '3', '1']);
      expect((await s.audit.search({ maxResults: 10, resourceType: 'run', actor: 'admin' })).events.map((e) => e.resourceId)).toEqual(['6', '4']);
      await expect(s.audit.search({ maxResults: 10, pageToken: 'not-a-token' })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    });
  });
}
