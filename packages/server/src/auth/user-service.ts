import { ApiError, type PermissionName } from '@loupe/protocol';
import type { AuthStore, ExperimentPermissionRecord, RegisteredModelPermissionRecord, UserRecord } from '../store/auth-store.js';
import type { AuthFreshness } from './auth-freshness.js';
import { hashPassword, type ScryptCost } from './password.js';

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
 * messages): users, experiment permissions, registered-model permissions. Every write tells
 * {@link AuthFreshness}, so this server's caches forget at once what it changed.
 *
 * @example
 * const users = new UserService(store, freshness);
 * await users.createUser('alice', 'a long passphrase');
 */
export class UserService {
  constructor(
    private readonly store: AuthStore,
    private readonly freshness: AuthFreshness,
    private readonly scryptCost?: ScryptCost,
  ) {}

  async createUser(username: string, password: string, isAdmin = false): Promise<UserRecord> {
    checkPassword(password);
    const created = await this.store.createUser(username, await hashPassword(password, this.scryptCost), isAdmin);
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

  async updatePassword(username: string, password: string): Promise<void> {
    checkPassword(password);
    const hash = await hashPassword(password, this.scryptCost);
    if (!(await this.store.updatePassword(username, hash))) throw userNotFound(username);
    this.freshness.changed();
  }

  async updateAdmin(username: string, isAdmin: boolean): Promise<void> {
    if (!(await this.store.updateAdmin(username, isAdmin))) throw userNotFound(username);
    this.freshness.changed();
  }

  async deleteUser(username: string): Promise<void> {
    if (!(await this.store.deleteUser(username))) throw userNotFound(username);
    this.freshness.changed();
  }

  async createExperimentPermission(experimentId: string, username: string, permission: PermissionName): Promise<ExperimentPermissionRecord> {
    const row = { experimentId, userId: (await this.userOrThrow(username)).id, permission };
    if ((await this.store.createExperimentPermission(row)) === 'taken') {
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

  async updateExperimentPermission(experimentId: string, username: string, permission: PermissionName): Promise<void> {
    const userId = (await this.userOrThrow(username)).id;
    if (!(await this.store.updateExperimentPermission({ experimentId, userId, permission }))) throw experimentPermissionNotFound(experimentId, username);
    this.freshness.changed();
  }

  async deleteExperimentPermission(experimentId: string, username: string): Promise<void> {
    const userId = (await this.userOrThrow(username)).id;
    if (!(await this.store.deleteExperimentPermission(experimentId, userId))) throw experimentPermissionNotFound(experimentId, username);
    this.freshness.changed();
  }

  async createRegisteredModelPermission(name: string, username: string, permission: PermissionName): Promise<RegisteredModelPermissionRecord> {
    const row = { name, userId: (await this.userOrThrow(username)).id, permission };
    if ((await this.store.createRegisteredModelPermission(row)) === 'taken') {
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

  async updateRegisteredModelPermission(name: string, username: string, permission: PermissionName): Promise<void> {
    const userId = (await this.userOrThrow(username)).id;
    if (!(await this.store.updateRegisteredModelPermission({ name, userId, permission }))) throw modelPermissionNotFound(name, username);
    this.freshness.changed();
  }

  async deleteRegisteredModelPermission(name: string, username: string): Promise<void> {
    const userId = (await this.userOrThrow(username)).id;
    if (!(await this.store.deleteRegisteredModelPermission(name, userId))) throw modelPermissionNotFound(name, username);
    this.freshness.changed();
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
