import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthStore, UserRecord } from '../auth-store.js';

/** The store the auth contract needs, on one fresh database. */
export interface AuthStores {
  auth: AuthStore;
  dispose(): Promise<void>;
}

/**
 * The behaviour every AuthStore must have (MLflow's basic-auth store), run by each backend's test file.
 *
 * @example
 * authStoreContract(() => openSqlStores(backend));
 */
export function authStoreContract(factory: () => Promise<AuthStores>): void {
  describe('AuthStore contract', () => {
    let s: AuthStores;
    let alice: UserRecord;
    beforeEach(async () => {
      s = await factory();
      alice = (await s.auth.createUser('alice', 'hash-a', false)) as UserRecord;
    });
    afterEach(async () => {
      await s.dispose();
    });

    it('creates users with unique names and reads them back by name and id', async () => {
      expect(alice).toEqual({ id: expect.any(Number), username: 'alice', passwordHash: 'hash-a', isAdmin: false });
      expect(await s.auth.createUser('alice', 'other', true)).toBe('taken');
      const admin = (await s.auth.createUser('root', 'hash-r', true)) as UserRecord;
      expect(admin.isAdmin).toBe(true);
      expect(admin.id).not.toBe(alice.id);
      expect(await s.auth.getUser('alice')).toEqual(alice);
      expect(await s.auth.getUserById(admin.id)).toEqual(admin);
      expect(await s.auth.getUser('nobody')).toBeUndefined();
    });

    it('updates a password and the admin flag; missing users answer false', async () => {
      expect(await s.auth.updatePassword('alice', 'hash-b')).toBe(true);
      expect(await s.auth.updateAdmin('alice', true)).toBe(true);
      expect(await s.auth.getUser('alice')).toMatchObject({ passwordHash: 'hash-b', isAdmin: true });
      expect(await s.auth.updatePassword('nobody', 'x')).toBe(false);
      expect(await s.auth.updateAdmin('nobody', true)).toBe(false);
    });

    it('keeps one experiment permission per user and experiment: create, get, update, delete', async () => {
      expect(await s.auth.createExperimentPermission({ experimentId: '1', userId: alice.id, permission: 'READ' })).toBe('created');
      expect(await s.auth.createExperimentPermission({ experimentId: '1', userId: alice.id, permission: 'EDIT' })).toBe('taken');
      expect(await s.auth.getExperimentPermission('1', alice.id)).toEqual({ experimentId: '1', userId: alice.id, permission: 'READ' });
      expect(await s.auth.updateExperimentPermission({ experimentId: '1', userId: alice.id, permission: 'NO_PERMISSIONS' })).toBe(true);
      expect(await s.auth.experimentPermissions(alice.id)).toEqual([{ experimentId: '1', userId: alice.id, permission: 'NO_PERMISSIONS' }]);
      expect(await s.auth.updateExperimentPermission({ experimentId: '2', userId: alice.id, permission: 'READ' })).toBe(false);
      expect(await s.auth.deleteExperimentPermission('1', alice.id)).toBe(true);
      expect(await s.auth.deleteExperimentPermission('1', alice.id)).toBe(false);
      expect(await s.auth.getExperimentPermission('1', alice.id)).toBeUndefined();
    });

    it('grants a creator MANAGE over an existing row', async () => {
      await s.auth.createExperimentPermission({ experimentId: '7', userId: alice.id, permission: 'READ' });
      await s.auth.grantExperimentManage('7', alice.id);
      await s.auth.grantExperimentManage('8', alice.id);
      expect((await s.auth.experimentPermissions(alice.id)).map((p) => [p.experimentId, p.permission]).sort()).toEqual([
        ['7', 'MANAGE'],
        ['8', 'MANAGE'],
      ]);
      await s.auth.grantRegisteredModelManage('m', alice.id);
      expect(await s.auth.getRegisteredModelPermission('m', alice.id)).toEqual({ name: 'm', userId: alice.id, permission: 'MANAGE' });
    });

    it('moves registered-model permissions with a rename and drops them with the model', async () => {
      const bob = (await s.auth.createUser('bob', 'hash', false)) as UserRecord;
      await s.auth.createRegisteredModelPermission({ name: 'm', userId: alice.id, permission: 'EDIT' });
      await s.auth.createRegisteredModelPermission({ name: 'm', userId: bob.id, permission: 'READ' });
      expect(await s.auth.createRegisteredModelPermission({ name: 'm', userId: bob.id, permission: 'READ' })).toBe('taken');
      await s.auth.renameRegisteredModelPermissions('m', 'n');
      expect(await s.auth.getRegisteredModelPermission('m', alice.id)).toBeUndefined();
      expect(await s.auth.registeredModelPermissions(bob.id)).toEqual([{ name: 'n', userId: bob.id, permission: 'READ' }]);
      expect(await s.auth.updateRegisteredModelPermission({ name: 'n', userId: alice.id, permission: 'MANAGE' })).toBe(true);
      await s.auth.deleteRegisteredModelPermissions('n');
      expect(await s.auth.registeredModelPermissions(alice.id)).toEqual([]);
      expect(await s.auth.registeredModelPermissions(bob.id)).toEqual([]);
    });

    it('deletes a user with its permissions; a new user of that name starts with none', async () => {
      await s.auth.createExperimentPermission({ experimentId: '1', userId: alice.id, permission: 'MANAGE' });
      await s.auth.createRegisteredModelPermission({ name: 'm', userId: alice.id, permission: 'MANAGE' });
      expect(await s.auth.deleteUser('alice')).toBe(true);
      expect(await s.auth.deleteUser('alice')).toBe(false);
      expect(await s.auth.getUser('alice')).toBeUndefined();
      const again = (await s.auth.createUser('alice', 'hash', false)) as UserRecord;
      expect(await s.auth.experimentPermissions(again.id)).toEqual([]);
      expect(await s.auth.registeredModelPermissions(again.id)).toEqual([]);
    });

    it('advances the generation with every write that changed something, and only then', async () => {
      const g0 = await s.auth.generation();
      await s.auth.updatePassword('alice', 'h2');
      const g1 = await s.auth.generation();
      expect(g1).toBeGreaterThan(g0);
      await s.auth.updatePassword('nobody', 'h');
      expect(await s.auth.createUser('alice', 'h', false)).toBe('taken');
      expect(await s.auth.generation()).toBe(g1);
      await s.auth.createExperimentPermission({ experimentId: '1', userId: alice.id, permission: 'READ' });
      await s.auth.deleteUser('alice');
      expect(await s.auth.generation()).toBeGreaterThan(g1 + 1);
    });
  });
}
