import { ApiError, type PermissionName } from '@loupe/protocol';
import type { AuthStore, ExperimentPermissionRecord, PermissionHolderRecord, RegisteredModelPermissionRecord, UserRecord } from '../store/auth-store.js';
import type { AuditLog } from './audit-log.js';
import type { AuthFreshness } from './auth-freshness.js';
import { hashPassword, type ScryptCost } from './password.js';
import type { Principal } from './principal.js';

/** A user with its permission rows, as MLflow's `users/get` returns it. */
export interface UserWithPermissions {
  user: UserRecord;
  experimentPermissions: ExperimentPermissionRecord[];
  registeredModelPermissions: RegisteredModelPermissionRecord[];
}

/** Shortest password accepted (MLflow 3's `_validate_password` asks for 12 characters). */
export const MIN_PASSWORD_LENGTH = 12;

/**
 * MLflow's user and permission API as use cases (`mlflow/server/auth/sqlalchemy_store.py`, with its
 * messages): users, experiment permissions, registered-model permissions. Every write names its
 * actor, is audited in its own transaction (docs/adr/0013-auth.md §8) and tells {@link AuthFreshness},
 * so this server's caches forget at once what it changed.
 *
 * @example
 * const users = new UserService(store, freshness, audit);
 * await users.createUser(principal, 'alice', 'a long passphrase');
 */
export class UserService {
  constructor(
    private readonly store: AuthStore,
    private readonly freshness: AuthFreshness,
    private readonly audit: AuditLog,
    private readonly scryptCost?: ScryptCost,
  ) {}

  async createUser(actor: Principal, username: string, password: string, isAdmin = false): Promise<UserRecord> {
    checkPassword(password);
    const audit = this.audit.entry(actor, { action: 'user.create', resourceType: 'user', resourceId: username, detail: { is_admin: isAdmin } });
    const created = await this.store.createUser(username, await hashPassword(password, this.scryptCost), isAdmin, audit);
    if (created === 'taken') throw ApiError.alreadyExists(`User '${username}' already exists`);
    this.freshness.changed();
    return created;
  }

  async getUser(username: string): Promise<UserWithPermissions> {
    const user = await this.userOrThrow(username);
    const [experimentPermissions, registeredModelPermissions] = await Promise.all([
      this.store.experimentPermissions(user.id),
      this.store.registeredModelPermissions(user.id),
    ]);
    return { user, experimentPermissions, registeredModelPermissions };
  }

  /** Every user (the admin UI's list). */
  listUsers(): Promise<UserRecord[]> {
    return this.store.listUsers();
  }

  async updatePassword(actor: Principal, username: string, password: string): Promise<void> {
    checkPassword(password);
    const hash = await hashPassword(password, this.scryptCost);
    const audit = this.audit.entry(actor, { action: 'user.update_password', resourceType: 'user', resourceId: username });
    if (!(await this.store.updatePassword(username, hash, audit))) throw userNotFound(username);
    this.freshness.changed();
  }

  async updateAdmin(actor: Principal, username: string, isAdmin: boolean): Promise<void> {
    const audit = this.audit.entry(actor, { action: 'user.update_admin', resourceType: 'user', resourceId: username, detail: { is_admin: isAdmin } });
    if (!(await this.store.updateAdmin(username, isAdmin, audit))) throw userNotFound(username);
    this.freshness.changed();
  }

  async deleteUser(actor: Principal, username: string): Promise<void> {
    if (!(await this.store.deleteUser(username, this.audit.entry(actor, { action: 'user.delete', resourceType: 'user', resourceId: username })))) {
      throw userNotFound(username);
    }
    this.freshness.changed();
  }

  /** Who has an explicit permission on an experiment. */
  experimentPermissionHolders(experimentId: string): Promise<PermissionHolderRecord[]> {
    return this.store.experimentPermissionHolders(experimentId);
  }

  /** Who has an explicit permission on a registered model. */
  registeredModelPermissionHolders(name: string): Promise<PermissionHolderRecord[]> {
    return this.store.registeredModelPermissionHolders(name);
  }

  async createExperimentPermission(actor: Principal, experimentId: string, username: string, permission: PermissionName): Promise<ExperimentPermissionRecord> {
    const row = { experimentId, userId: (await this.userOrThrow(username)).id, permission };
    if (
      (await this.store.createExperimentPermission(row, this.permissionAudit(actor, 'create', 'experiment', experimentId, username, permission))) === 'taken'
    ) {
      throw ApiError.alreadyExists(`Experiment permission (experiment_id=${experimentId}, username=${username}) already exists`);
    }
    this.freshness.changed();
    return row;
  }

  async getExperimentPermission(experimentId: string, username: string): Promise<ExperimentPermissionRecord> {
    const row = await this.store.getExperimentPermission(experimentId, (await this.userOrThrow(username)).id);
    if (!row) throw experimentPermissionNotFound(experimentId, username);
    return row;
  }

  async updateExperimentPermission(actor: Principal, experimentId: string, username: string, permission: PermissionName): Promise<void> {
    const userId = (await this.userOrThrow(username)).id;
    const audit = this.permissionAudit(actor, 'update', 'experiment', experimentId, username, permission);
    if (!(await this.store.updateExperimentPermission({ experimentId, userId, permission }, audit))) throw experimentPermissionNotFound(experimentId, username);
    this.freshness.changed();
  }

  async deleteExperimentPermission(actor: Principal, experimentId: string, username: string): Promise<void> {
    const userId = (await this.userOrThrow(username)).id;
    const audit = this.permissionAudit(actor, 'delete', 'experiment', experimentId, username);
    if (!(await this.store.deleteExperimentPermission(experimentId, userId, audit))) throw experimentPermissionNotFound(experimentId, username);
    this.freshness.changed();
  }

  async createRegisteredModelPermission(
    actor: Principal,
    name: string,
    username: string,
    permission: PermissionName,
  ): Promise<RegisteredModelPermissionRecord> {
    const row = { name, userId: (await this.userOrThrow(username)).id, permission };
    if (
      (await this.store.createRegisteredModelPermission(row, this.permissionAudit(actor, 'create', 'registered_model', name, username, permission))) === 'taken'
    ) {
      throw ApiError.alreadyExists(`Registered model permission (name=${name}, username=${username}) already exists`);
    }
    this.freshness.changed();
    return row;
  }

  async getRegisteredModelPermission(name: string, username: string): Promise<RegisteredModelPermissionRecord> {
    const row = await this.store.getRegisteredModelPermission(name, (await this.userOrThrow(username)).id);
    if (!row) throw modelPermissionNotFound(name, username);
    return row;
  }

  async updateRegisteredModelPermission(actor: Principal, name: string, username: string, permission: PermissionName): Promise<void> {
    const userId = (await this.userOrThrow(username)).id;
    const audit = this.permissionAudit(actor, 'update', 'registered_model', name, username, permission);
    if (!(await this.store.updateRegisteredModelPermission({ name, userId, permission }, audit))) throw modelPermissionNotFound(name, username);
    this.freshness.changed();
  }

  async deleteRegisteredModelPermission(actor: Principal, name: string, username: string): Promise<void> {
    const userId = (await this.userOrThrow(username)).id;
    const audit = this.permissionAudit(actor, 'delete', 'registered_model', name, username);
    if (!(await this.store.deleteRegisteredModelPermission(name, userId, audit))) throw modelPermissionNotFound(name, username);
    this.freshness.changed();
  }

  /** `permission.<verb>` on an experiment or registered model, naming whose permission it is. */
  private permissionAudit(
    actor: Principal,
    verb: 'create' | 'update' | 'delete',
    resourceType: 'experiment' | 'registered_model',
    resourceId: string,
    username: string,
    permission?: PermissionName,
  ) {
    return this.audit.entry(actor, { action: `permission.${verb}`, resourceType, resourceId, detail: { username, ...(permission ? { permission } : {}) } });
  }

  private async userOrThrow(username: string): Promise<UserRecord> {
    const user = await this.store.getUser(username);
    if (!user) throw userNotFound(username);
    return user;
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw ApiError.invalid(`Password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
}

const userNotFound = (username: string) => ApiError.notFound(`User with username=${username} not found`);
const experimentPermissionNotFound = (experimentId: string, username: string) =>
  ApiError.notFound(`Experiment permission with experiment_id=${experimentId} and username=${username} not found`);
const modelPermissionNotFound = (name: string, username: string) =>
  ApiError.notFound(`Registered model permission with name=${name} and username=${username} not found`);
