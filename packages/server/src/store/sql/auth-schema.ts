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

export interface AuthTables {
  users: UsersTable;
  experiment_permissions: ExperimentPermissionsTable;
  registered_model_permissions: RegisteredModelPermissionsTable;
  auth_generation: AuthGenerationTable;
}
