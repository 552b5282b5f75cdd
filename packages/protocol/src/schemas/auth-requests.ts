import { z } from 'zod';
import { bool, required, requiredStr, str } from './fields.js';

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
