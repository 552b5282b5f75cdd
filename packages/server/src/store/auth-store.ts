import type { PermissionName } from '@loupe/protocol';

/** A user row. */
export interface UserRecord {
  id: number;
  username: string;
  /** `scrypt$N$r$p$salt$hash` (auth/password.ts); never leaves the server. */
  passwordHash: string;
  isAdmin: boolean;
}

export interface ExperimentPermissionRecord {
  experimentId: string;
  userId: number;
  permission: PermissionName;
}

export interface RegisteredModelPermissionRecord {
  name: string;
  userId: number;
  permission: PermissionName;
}

/**
 * Users and their permissions on experiments and registered models (MLflow's basic-auth store,
 * `mlflow/server/auth/sqlalchemy_store.py`). Every write also advances the generation, in the same
 * transaction, so servers sharing the database can tell their caches are stale (docs/adr/0013-auth.md §5).
 * Writes that find no row answer false; a duplicate answers `'taken'`.
 */
export interface AuthStore {
  createUser(username: string, passwordHash: string, isAdmin: boolean): Promise<UserRecord | 'taken'>;
  getUser(username: string): Promise<UserRecord | undefined>;
  getUserById(id: number): Promise<UserRecord | undefined>;
  updatePassword(username: string, passwordHash: string): Promise<boolean>;
  updateAdmin(username: string, isAdmin: boolean): Promise<boolean>;
  /** Deletes the user and every permission row of it. */
  deleteUser(username: string): Promise<boolean>;

  experimentPermissions(userId: number): Promise<ExperimentPermissionRecord[]>;
  registeredModelPermissions(userId: number): Promise<RegisteredModelPermissionRecord[]>;

  createExperimentPermission(row: ExperimentPermissionRecord): Promise<'created' | 'taken'>;
  getExperimentPermission(experimentId: string, userId: number): Promise<ExperimentPermissionRecord | undefined>;
  updateExperimentPermission(row: ExperimentPermissionRecord): Promise<boolean>;
  deleteExperimentPermission(experimentId: string, userId: number): Promise<boolean>;
  /** Creates the row or raises it to MANAGE (a creator's grant). */
  grantExperimentManage(experimentId: string, userId: number): Promise<void>;

  createRegisteredModelPermission(row: RegisteredModelPermissionRecord): Promise<'created' | 'taken'>;
  getRegisteredModelPermission(name: string, userId: number): Promise<RegisteredModelPermissionRecord | undefined>;
  updateRegisteredModelPermission(row: RegisteredModelPermissionRecord): Promise<boolean>;
  deleteRegisteredModelPermission(name: string, userId: number): Promise<boolean>;
  grantRegisteredModelManage(name: string, userId: number): Promise<void>;
  /** Moves every user's permission on a registered model to its new name. */
  renameRegisteredModelPermissions(from: string, to: string): Promise<void>;
  /** Drops every user's permission on a registered model (it was deleted). */
  deleteRegisteredModelPermissions(name: string): Promise<void>;

  /** A number that changes with every write above, on any server. */
  generation(): Promise<number>;
}
