import type { Generated } from 'kysely';

/** Auth tables (migrations/0014-auth). */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  /** 0 or 1. */
  is_admin: number;
}

export interface ExperimentPermissionsTable {
  experiment_id: string;
  user_id: number;
  permission: string;
}

export interface RegisteredModelPermissionsTable {
  name: string;
  user_id: number;
  permission: string;
}

/** One row (`id` = 1): bumped by every auth write, read by servers to see their caches are stale. */
export interface AuthGenerationTable {
  id: number;
  generation: number;
}

/** API tokens (migrations/0015-api-tokens-audit): the secret's SHA-256, never the secret. Times in epoch ms. */
export interface ApiTokensTable {
  id: string;
  user_id: number;
  name: string;
  secret_hash: string;
  token_prefix: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

/** The audit log (migrations/0015-api-tokens-audit). */
export interface AuditEventsTable {
  id: Generated<number>;
  time: number;
  actor: string;
  via: string;
  action: string;
  resource_type: string;
  resource_id: string;
  /** A JSON object. */
  detail: string;
}

/** Failed logins (migrations/0024-login-failures): the throttle key's SHA-256 and when, in epoch ms. */
export interface LoginFailuresTable {
  id: Generated<number>;
  key_hash: string;
  at: number;
}

export interface AuthTables {
  login_failures: LoginFailuresTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  audit_events: AuditEventsTable;
  experiment_permissions: ExperimentPermissionsTable;
  registered_model_permissions: RegisteredModelPermissionsTable;
  auth_generation: AuthGenerationTable;
}
