import type { PermissionName } from '@loupe/protocol';

export type { PermissionName } from '@loupe/protocol';

/**
 * What a route does to a resource, in MLflow's terms (`mlflow/server/auth/permissions.py`): `read`
 * (READ), `edit` (EDIT: MLflow's `can_update`), `manage` (MANAGE: MLflow's `can_delete` and
 * `can_manage`, so deleting needs MANAGE).
 */
export type Action = 'read' | 'edit' | 'manage';

const RANK: Readonly<Record<PermissionName, number>> = { NO_PERMISSIONS: 0, READ: 1, EDIT: 2, MANAGE: 3 };
const NEEDED: Readonly<Record<Action, number>> = { read: 1, edit: 2, manage: 3 };

/**
 * Whether a permission allows an action.
 *
 * @example
 * allows('EDIT', 'read'); // true
 * allows('EDIT', 'manage'); // false
 */
export function allows(permission: PermissionName, action: Action): boolean {
  return RANK[permission] >= NEEDED[action];
}
