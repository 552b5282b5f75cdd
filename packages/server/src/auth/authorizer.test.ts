import { describe, expect, it } from 'vitest';
import { ref, type AuthEffect, type Holder, type ResourceRef } from './access.js';
import { PermissionAuthorizer, type UserPermissions } from './authorizer.js';
import type { PermissionName } from './permission.js';
import type { Principal } from './principal.js';

const user: Principal = { userId: 1, username: 'u', isAdmin: false, via: 'basic' };
const admin: Principal = { userId: 2, username: 'a', isAdmin: true, via: 'basic' };

function authorizer(experiments: Record<string, PermissionName>, defaultPermission: PermissionName = 'READ') {
  const effects: AuthEffect[] = [];
  const own: UserPermissions = { experiments: new Map(Object.entries(experiments)), registeredModels: new Map() };
  const parents = {
    holdersOf: async (r: ResourceRef): Promise<Holder[]> =>
      r.type === 'run'
        ? [{ type: 'experiment', id: r.id.split(':')[0] as string }]
        : r.type === 'dataset'
          ? []
          : [{ type: 'experiment', id: (r as { id: string }).id }],
  };
  return {
    effects,
    authz: new PermissionAuthorizer({ permissionsOf: async () => own, applyEffect: async (_u, e) => void effects.push(e) }, parents, defaultPermission),
  };
}

describe('PermissionAuthorizer', () => {
  it('needs the action on every holder: READ < EDIT < MANAGE, NO_PERMISSIONS none, default where no row', async () => {
    const { authz } = authorizer({ '1': 'EDIT', '2': 'NO_PERMISSIONS' });
    await expect(authz.authorize(user, { edit: () => ref.run('1:r') }, {})).resolves.toBeDefined();
    await expect(authz.authorize(user, { manage: () => ref.experiment('1') }, {})).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(authz.authorize(user, { read: () => ref.experiments(['1', '3']) }, {})).resolves.toBeDefined();
    await expect(authz.authorize(user, { read: () => ref.experiments(['1', '2']) }, {})).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(authz.authorize(user, { edit: () => ref.experiment('3') }, {})).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(authz.authorize(user, { edit: () => ref.run('1:r'), read: () => [ref.experiment('2')] }, {})).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
  });

  it('refuses when nothing is named (an unscoped search, a dataset of no experiment)', async () => {
    const { authz } = authorizer({});
    await expect(authz.authorize(user, { read: () => [] }, {})).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(authz.authorize(user, { read: () => ref.dataset('d') }, {})).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('lets admins through, refuses non-admins on admin routes, and 401s without a principal', async () => {
    const { authz } = authorizer({ '1': 'NO_PERMISSIONS' }, 'NO_PERMISSIONS');
    await expect(authz.authorize(admin, { manage: () => ref.experiment('1') }, {})).resolves.toBeDefined();
    await expect(authz.authorize(user, { kind: 'admin' }, {})).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(authz.authorize(undefined, { kind: 'authenticated' }, {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(authz.authorize(undefined, { kind: 'public' }, {})).resolves.toBeDefined();
    await expect(authz.authorize(user, { kind: 'self-or-admin', username: () => 'u' }, {})).resolves.toBeDefined();
    await expect(authz.authorize(user, { kind: 'self-or-admin', username: () => 'x' }, {})).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('gives filtered routes what the caller may read', async () => {
    const { authz } = authorizer({ '1': 'NO_PERMISSIONS', '2': 'READ' }, 'NO_PERMISSIONS');
    const visible = await authz.authorize(user, { kind: 'filtered', holder: 'experiment' }, {});
    expect(['1', '2', '3'].filter((id) => visible.experiment(id))).toEqual(['2']);
  });

  it('applies creator grants only for a user, renames and deletes for anyone', async () => {
    const { authz, effects } = authorizer({});
    await authz.applyEffects({ userId: null, username: 'local', isAdmin: true, via: 'none' }, [
      { type: 'grant-creator', holder: { type: 'experiment', id: '1' } },
      { type: 'forget-model', name: 'm' },
    ]);
    expect(effects).toEqual([{ type: 'forget-model', name: 'm' }]);
  });
});
