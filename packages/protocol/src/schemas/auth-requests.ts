import { z } from 'zod';
import { bool, int64, maxChars, required, requiredStr, str, wireCheck } from './fields.js';

/**
 * Request schemas of MLflow's user and permission API (`mlflow/server/auth/routes.py`, the calls
 * `mlflow.server.auth.client.AuthServiceClient` makes), decoded from JSON bodies (POST, PATCH, DELETE)
 * and query strings (GET).
 */

/** MLflow's permission names (`mlflow/server/auth/permissions.py`): READ < EDIT < MANAGE, and NO_PERMISSIONS. */
export const PERMISSION_NAMES = ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'] as const;

/** One of {@link PERMISSION_NAMES}. */
export type PermissionName = (typeof PERMISSION_NAMES)[number];

/** A permission name, exactly as MLflow spells it; anything else answers MLflow's message. */
export const permissionName = () =>
  required(
    str().refine((s): s is PermissionName => (PERMISSION_NAMES as readonly string[]).includes(s), {
      error: (issue) => `Invalid permission '${String(issue.input)}'. Valid permissions are: ('READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')`,
      params: { loupe: 'invalid' },
    }),
  ).transform((s) => s as PermissionName);

export const CreateUser = z.object({ username: requiredStr({ blankIsMissing: true }), password: requiredStr() });
export const UsernameOnly = z.object({ username: requiredStr() });
export const UpdateUserPassword = z.object({ username: requiredStr(), password: requiredStr() });
export const UpdateUserAdmin = z.object({ username: requiredStr(), is_admin: required(bool()) });

export const ExperimentPermissionRef = z.object({ experiment_id: requiredStr(), username: requiredStr() });
export const ExperimentPermissionWrite = ExperimentPermissionRef.extend({ permission: permissionName() });
export const RegisteredModelPermissionRef = z.object({ name: requiredStr(), username: requiredStr() });
export const RegisteredModelPermissionWrite = RegisteredModelPermissionRef.extend({ permission: permissionName() });

// Loupe's auth extensions (`/api/2.0/loupe/...`, docs/api.md): API tokens, the audit log, listings for the admin UI.

/** `tokens/create`: a name of 1-100 characters, an optional lifetime of 1-3650 days, another user's name (admins). */
export const CreateApiToken = z.object({
  name: maxChars(requiredStr({ blankIsMissing: true }), 100, 'name'),
  expires_in_days: wireCheck(int64().optional(), (n) => n === undefined || (n >= 1 && n <= 3650), 'expires_in_days must be between 1 and 3650.'),
  username: str().optional(),
});
export const ListApiTokens = z.object({ username: str().optional() });
export const RevokeApiToken = z.object({ token_id: requiredStr() });

/** `audit/search`: newest first, `max_results` 1-1000 (default 100). */
export const SearchAuditEvents = z.object({
  max_results: wireCheck(int64().optional(), (n) => n === undefined || (n >= 1 && n <= 1000), 'max_results must be between 1 and 1000.').transform(
    (n) => n ?? 100,
  ),
  page_token: str().optional(),
  actor: str().optional(),
  action: str().optional(),
  resource_type: str().optional(),
});

export const ListUsers = z.object({});
export const ListExperimentPermissions = z.object({ experiment_id: requiredStr() });
export const ListRegisteredModelPermissions = z.object({ name: requiredStr() });
