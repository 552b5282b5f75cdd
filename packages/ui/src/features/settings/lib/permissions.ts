import type { PermissionName } from '@loupe/protocol';
import type { AuthSession } from './auth-session';

/**
 * MLflow's permission names in the order a person picks them (READ < EDIT < MANAGE, then none). Kept
 * here, not imported from the protocol package, so the UI bundles no runtime code of it.
 */
export const PERMISSION_CHOICES: readonly PermissionName[] = ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'];

/** What each permission lets a user do, for the share dialog's choices. */
export const PERMISSION_HINTS: Record<PermissionName, string> = {
  READ: 'can view',
  EDIT: 'can view and change',
  MANAGE: 'can view, change, delete and share',
  NO_PERMISSIONS: 'no access',
};

/** What a share dialog is about: an experiment (by id) or a registered model or prompt (by name). */
export type ShareTarget = { kind: 'experiment'; experimentId: string } | { kind: 'registered-model'; name: string; label?: 'model' | 'prompt' };

/** One row of a permission list: `{username, permission}` (the listing routes' shape). */
export interface PermissionRow {
  username: string;
  permission: string;
}

/** A user as `users/list` answers. */
export interface UserRow {
  id: number;
  username: string;
  is_admin: boolean;
}

/** One line of the share dialog: a user, its permission, and whether it can be changed there. */
export interface ShareLine {
  username: string;
  /** The explicit permission, or `ADMIN` for an admin without a row (admins may do everything anyway). */
  permission: PermissionName | 'ADMIN';
  isAdmin: boolean;
  /** Whether this line is the signed-in user. */
  isSelf: boolean;
}

const isPermission = (p: string): p is PermissionName => (PERMISSION_CHOICES as readonly string[]).includes(p);

/**
 * The share dialog's lines: every explicit permission row (the last row wins for a username listed
 * twice), then admins without a row (they can do everything; known only when the users list is there),
 * sorted by name. Unknown permission names are left out rather than shown as something they are not.
 *
 * @example
 * shareLines([{ username: 'bo', permission: 'EDIT' }], [{ id: 1, username: 'root', is_admin: true }], 'root');
 * // [{ username: 'bo', permission: 'EDIT', ... }, { username: 'root', permission: 'ADMIN', isAdmin: true, isSelf: true }]
 */
export function shareLines(rows: readonly PermissionRow[], users: readonly UserRow[] | undefined, self: string | undefined): ShareLine[] {
  const admins = new Set((users ?? []).filter((u) => u.is_admin).map((u) => u.username));
  const byName = new Map<string, ShareLine>();
  for (const row of rows) {
    if (!isPermission(row.permission)) continue;
    byName.set(row.username, { username: row.username, permission: row.permission, isAdmin: admins.has(row.username), isSelf: row.username === self });
  }
  for (const name of admins) {
    if (!byName.has(name)) byName.set(name, { username: name, permission: 'ADMIN', isAdmin: true, isSelf: name === self });
  }
  return [...byName.values()].sort((a, b) => a.username.localeCompare(b.username));
}

/**
 * Which call grants `permission` to `username`: `create` when the user has no row yet, `update` when it
 * has another one, `none` when it has this one already.
 *
 * @example
 * grantCall([{ username: 'bo', permission: 'READ' }], 'bo', 'EDIT'); // 'update'
 */
export function grantCall(rows: readonly PermissionRow[], username: string, permission: PermissionName): 'create' | 'update' | 'none' {
  const current = rows.find((r) => r.username === username);
  if (!current) return 'create';
  return current.permission === permission ? 'none' : 'update';
}

/**
 * The users a permission can be granted to: known users that have no row yet and are not admins
 * (admins may do everything already), by name.
 *
 * @example
 * grantableUsers([{ id: 2, username: 'bo', is_admin: false }], []); // ['bo']
 */
export function grantableUsers(users: readonly UserRow[], rows: readonly PermissionRow[]): string[] {
  const listed = new Set(rows.map((r) => r.username));
  return users
    .filter((u) => !u.is_admin && !listed.has(u.username))
    .map((u) => u.username)
    .sort((a, b) => a.localeCompare(b));
}

/**
 * Whether the Share button shows: auth on and the user is an admin or may manage the resource (the
 * permission list, which needs MANAGE, answered). With auth off there is nothing to share.
 *
 * @example
 * canShare({ auth: 'none' }, undefined); // false
 * canShare({ auth: 'on', username: 'bo', isAdmin: false, csrfToken: '' }, 'allowed'); // true
 */
export function canShare(session: AuthSession | undefined, listAnswer: 'allowed' | 'denied' | 'missing' | undefined): boolean {
  if (session?.auth !== 'on') return false;
  if (session.isAdmin) return true;
  return listAnswer === 'allowed';
}

/**
 * The API paths of one target's permission calls (MLflow's `experiments/permissions/*`,
 * `registered-models/permissions/*`, and Loupe's listing route), with the target's key field.
 *
 * @example
 * permissionApi({ kind: 'experiment', experimentId: '3' }).key; // { experiment_id: '3' }
 */
export function permissionApi(target: ShareTarget): { base: string; list: string; key: Record<string, string>; noun: string } {
  if (target.kind === 'experiment') {
    return {
      base: '2.0/mlflow/experiments/permissions',
      list: '2.0/loupe/experiments/permissions/list',
      key: { experiment_id: target.experimentId },
      noun: 'experiment',
    };
  }
  return {
    base: '2.0/mlflow/registered-models/permissions',
    list: '2.0/loupe/registered-models/permissions/list',
    key: { name: target.name },
    noun: target.label ?? 'model',
  };
}
