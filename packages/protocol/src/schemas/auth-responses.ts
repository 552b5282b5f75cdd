import { z } from 'zod';

/**
 * Reply schemas of MLflow's user and permission API, as `mlflow.server.auth.entities` reads them
 * (`User.from_json` needs every list, empty or not, so these replies keep empty lists).
 */

export const ExperimentPermissionJson = z.strictObject({ experiment_id: z.string(), user_id: z.number(), permission: z.string() });
export const RegisteredModelPermissionJson = z.strictObject({ name: z.string(), user_id: z.number(), permission: z.string() });
export const UserJson = z.strictObject({
  id: z.number(),
  username: z.string(),
  is_admin: z.boolean(),
  experiment_permissions: z.array(ExperimentPermissionJson),
  registered_model_permissions: z.array(RegisteredModelPermissionJson),
  scorer_permissions: z.array(z.never()),
});

export const GetUser = z.strictObject({ user: UserJson });
export const GetExperimentPermission = z.strictObject({ experiment_permission: ExperimentPermissionJson });
export const GetRegisteredModelPermission = z.strictObject({ registered_model_permission: RegisteredModelPermissionJson });
export const Empty = z.strictObject({});

// Loupe's auth extensions (docs/api.md).

/** An API token as listed; never its secret. Times in epoch milliseconds. */
export const ApiTokenJson = z.strictObject({
  token_id: z.string(),
  name: z.string(),
  username: z.string(),
  token_prefix: z.string(),
  created_at: z.number(),
  last_used_at: z.number().optional(),
  expires_at: z.number().optional(),
  revoked_at: z.number().optional(),
});
/** The secret is in this reply only: it is stored hashed. */
export const CreateApiToken = z.strictObject({ token: ApiTokenJson, secret: z.string() });
export const ListApiTokens = z.strictObject({ tokens: z.array(ApiTokenJson) });

export const AuditEventJson = z.strictObject({
  event_id: z.string(),
  time: z.number(),
  actor: z.string(),
  via: z.enum(['basic', 'bearer', 'session', 'local']),
  action: z.string(),
  resource_type: z.string(),
  resource_id: z.string(),
  /** A JSON object's text. */
  detail: z.string(),
});
export const SearchAuditEvents = z.strictObject({ events: z.array(AuditEventJson), next_page_token: z.string().optional() });

export const ListUsers = z.strictObject({ users: z.array(z.strictObject({ id: z.number(), username: z.string(), is_admin: z.boolean() })) });
export const PermissionHolderJson = z.strictObject({ username: z.string(), permission: z.string() });
export const ListPermissions = z.strictObject({ permissions: z.array(PermissionHolderJson) });
