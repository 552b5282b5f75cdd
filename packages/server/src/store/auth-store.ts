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

/** How an audited action's actor was proven (`local`: the server itself or auth off). */
export type AuditVia = 'basic' | 'bearer' | 'session' | 'local';

/**
 * One audit event as written (docs/adr/0013-auth.md §8): who (`actor`, a username, and `via`), what
 * (`action`, e.g. `user.create`), on what (`resourceType`, `resourceId`), details as a JSON object's
 * text, and when (the injected clock's wall time, epoch ms).
 */
export interface AuditEntry {
  time: number;
  actor: string;
  via: AuditVia;
  action: string;
  resourceType: string;
  resourceId: string;
  detail: string;
}

/** A username and a permission on one experiment or registered model (the admin UI's listing). */
export interface PermissionHolderRecord {
  username: string;
  permission: PermissionName;
}

/**
 * Users and their permissions on experiments and registered models (MLflow's basic-auth store,
 * `mlflow/server/auth/sqlalchemy_store.py`). Every write also advances the generation, in the same
 * transaction, so servers sharing the database can tell their caches are stale (docs/adr/0013-auth.md §5).
 * Writes that find no row answer false; a duplicate answers `'taken'`. A write given an `audit` entry
 * records it in the same transaction, only when the write changed something.
 */
export interface AuthStore {
  createUser(username: string, passwordHash: string, isAdmin: boolean, audit?: AuditEntry): Promise<UserRecord | 'taken'>;
  getUser(username: string): Promise<UserRecord | undefined>;
  getUserById(id: number): Promise<UserRecord | undefined>;
  updatePassword(username: string, passwordHash: string, audit?: AuditEntry): Promise<boolean>;
  updateAdmin(username: string, isAdmin: boolean, audit?: AuditEntry): Promise<boolean>;
  /** Deletes the user and every permission row and API token of it. */
  deleteUser(username: string, audit?: AuditEntry): Promise<boolean>;
  /** Every user, by username. */
  listUsers(): Promise<UserRecord[]>;

  experimentPermissions(userId: number): Promise<ExperimentPermissionRecord[]>;
  registeredModelPermissions(userId: number): Promise<RegisteredModelPermissionRecord[]>;

  createExperimentPermission(row: ExperimentPermissionRecord, audit?: AuditEntry): Promise<'created' | 'taken'>;
  getExperimentPermission(experimentId: string, userId: number): Promise<ExperimentPermissionRecord | undefined>;
  updateExperimentPermission(row: ExperimentPermissionRecord, audit?: AuditEntry): Promise<boolean>;
  deleteExperimentPermission(experimentId: string, userId: number, audit?: AuditEntry): Promise<boolean>;
  /** Who has an explicit permission on an experiment, by username. */
  experimentPermissionHolders(experimentId: string): Promise<PermissionHolderRecord[]>;
  /** Creates the row or raises it to MANAGE (a creator's grant). */
  grantExperimentManage(experimentId: string, userId: number): Promise<void>;

  createRegisteredModelPermission(row: RegisteredModelPermissionRecord, audit?: AuditEntry): Promise<'created' | 'taken'>;
  getRegisteredModelPermission(name: string, userId: number): Promise<RegisteredModelPermissionRecord | undefined>;
  updateRegisteredModelPermission(row: RegisteredModelPermissionRecord, audit?: AuditEntry): Promise<boolean>;
  deleteRegisteredModelPermission(name: string, userId: number, audit?: AuditEntry): Promise<boolean>;
  /** Who has an explicit permission on a registered model, by username. */
  registeredModelPermissionHolders(name: string): Promise<PermissionHolderRecord[]>;
  grantRegisteredModelManage(name: string, userId: number): Promise<void>;
  /** Moves every user's permission on a registered model to its new name. */
  renameRegisteredModelPermissions(from: string, to: string): Promise<void>;
  /** Drops every user's permission on a registered model (it was deleted). */
  deleteRegisteredModelPermissions(name: string): Promise<void>;

  /** A number that changes with every write above, on any server. */
  generation(): Promise<number>;
}
