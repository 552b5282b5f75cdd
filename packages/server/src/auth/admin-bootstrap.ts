import { randomBytes } from 'node:crypto';
import type { AuditEntry, AuthStore } from '../store/auth-store.js';
import { hashPassword, type ScryptCost } from './password.js';

/** The first admin's credentials from the configuration (`LOUPE_AUTH_ADMIN_USERNAME` / `_PASSWORD`). */
export interface AdminCredentials {
  username: string;
  password?: string;
}

/**
 * Makes sure the configured admin exists (MLflow's `create_admin_user`): created as an admin when
 * missing, left alone when present. Without a configured password it gets a random one, returned so
 * the server prints it once; MLflow's fixed default password is never used. Several servers starting
 * together race on the unique username: the losers find the winner's row and do nothing. `audit`: the
 * `user.create` event (actor `local`), recorded with the row.
 *
 * @example
 * const notice = await ensureAdmin(store, { username: 'admin' });
 * if (notice) console.log(notice);
 */
export async function ensureAdmin(store: AuthStore, admin: AdminCredentials, cost?: ScryptCost, audit?: AuditEntry): Promise<string | undefined> {
  if (await store.getUser(admin.username)) return undefined;
  const password = admin.password ?? randomBytes(18).toString('base64url');
  const created = await store.createUser(admin.username, await hashPassword(password, cost), true, audit);
  if (created === 'taken') return undefined;
  if (admin.password !== undefined) return `auth: created the admin user '${admin.username}' (password from LOUPE_AUTH_ADMIN_PASSWORD)`;
  return `auth: created the admin user '${admin.username}' with the password ${password}\n  (shown once: sign in and change it with PATCH /api/2.0/mlflow/users/update-password, or set LOUPE_AUTH_ADMIN_PASSWORD before the first start)`;
}
