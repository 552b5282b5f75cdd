import type { PermissionName } from '@loupe/protocol';
import type { Kysely, Transaction } from 'kysely';
import type { AuditEntry, AuthStore, ExperimentPermissionRecord, PermissionHolderRecord, RegisteredModelPermissionRecord, UserRecord } from '../auth-store.js';
import { authWrite } from './auth-writes.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { Database } from './schema.js';

type Tx = Transaction<Database>;

function toUser(row: { id: number | string; username: string; password_hash: string; is_admin: number | boolean }): UserRecord {
  return { id: Number(row.id), username: row.username, passwordHash: row.password_hash, isAdmin: Boolean(Number(row.is_admin)) };
}

/**
 * Users and permissions on SQLite or PostgreSQL. Each write runs in a transaction that also bumps
 * `auth_generation`, so other servers see their caches are stale (docs/adr/0013-auth.md §5);
 * duplicates are found by the primary keys and unique username (two servers racing cannot both win).
 *
 * @example
 * const auth = new SqlAuthStore(db, dialect);
 * await auth.createUser('alice', await hashPassword('a long passphrase'), false);
 */
export class SqlAuthStore implements AuthStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  /** Runs a write, the generation bump and its audit event in one transaction; false when the write changed no row. */
  private write(fn: (tx: Tx) => Promise<boolean>, audit?: AuditEntry): Promise<boolean> {
    return authWrite(this.db, fn, audit);
  }

  /** An insert that may clash with a unique key: `'taken'` then, with nothing written. */
  private async insert(fn: (tx: Tx) => Promise<void>, audit?: AuditEntry): Promise<'created' | 'taken'> {
    try {
      await this.write(async (tx) => {
        await fn(tx);
        return true;
      }, audit);
      return 'created';
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
  }

  async createUser(username: string, passwordHash: string, isAdmin: boolean, audit?: AuditEntry): Promise<UserRecord | 'taken'> {
    const outcome = await this.insert(async (tx) => {
      await tx
        .insertInto('users')
        .values({ username, password_hash: passwordHash, is_admin: isAdmin ? 1 : 0 })
        .execute();
    }, audit);
    if (outcome === 'taken') return 'taken';
    return (await this.getUser(username)) as UserRecord;
  }

  async getUser(username: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row && toUser(row);
  }

  async getUserById(id: number): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async listUsers(): Promise<UserRecord[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(toUser);
  }

  updatePassword(username: string, passwordHash: string, audit?: AuditEntry): Promise<boolean> {
    return this.write(
      async (tx) => changed(await tx.updateTable('users').set({ password_hash: passwordHash }).where('username', '=', username).executeTakeFirst()),
      audit,
    );
  }

  updateAdmin(username: string, isAdmin: boolean, audit?: AuditEntry): Promise<boolean> {
    return this.write(
      async (tx) =>
        changed(
          await tx
            .updateTable('users')
            .set({ is_admin: isAdmin ? 1 : 0 })
            .where('username', '=', username)
            .executeTakeFirst(),
        ),
      audit,
    );
  }

  deleteUser(username: string, audit?: AuditEntry): Promise<boolean> {
    return this.write(async (tx) => {
      const user = await tx.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
      if (!user) return false;
      // Explicit rather than trusting ON DELETE CASCADE (SQLite enforces foreign keys only when asked to).
      await tx.deleteFrom('experiment_permissions').where('user_id', '=', user.id).execute();
      await tx.deleteFrom('registered_model_permissions').where('user_id', '=', user.id).execute();
      await tx.deleteFrom('api_tokens').where('user_id', '=', user.id).execute();
      await tx.deleteFrom('users').where('id', '=', user.id).execute();
      return true;
    }, audit);
  }

  async experimentPermissions(userId: number): Promise<ExperimentPermissionRecord[]> {
    const rows = await this.db.selectFrom('experiment_permissions').selectAll().where('user_id', '=', userId).execute();
    return rows.map((r) => ({ experimentId: r.experiment_id, userId: Number(r.user_id), permission: r.permission as PermissionName }));
  }

  async registeredModelPermissions(userId: number): Promise<RegisteredModelPermissionRecord[]> {
    const rows = await this.db.selectFrom('registered_model_permissions').selectAll().where('user_id', '=', userId).execute();
    return rows.map((r) => ({ name: r.name, userId: Number(r.user_id), permission: r.permission as PermissionName }));
  }

  createExperimentPermission(row: ExperimentPermissionRecord, audit?: AuditEntry): Promise<'created' | 'taken'> {
    return this.insert(async (tx) => {
      await tx.insertInto('experiment_permissions').values({ experiment_id: row.experimentId, user_id: row.userId, permission: row.permission }).execute();
    }, audit);
  }

  async experimentPermissionHolders(experimentId: string): Promise<PermissionHolderRecord[]> {
    const rows = await this.db
      .selectFrom('experiment_permissions')
      .innerJoin('users', 'users.id', 'experiment_permissions.user_id')
      .select(['users.username', 'experiment_permissions.permission'])
      .where('experiment_permissions.experiment_id', '=', experimentId)
      .orderBy('users.username')
      .execute();
    return rows.map((r) => ({ username: r.username, permission: r.permission as PermissionName }));
  }

  async getExperimentPermission(experimentId: string, userId: number): Promise<ExperimentPermissionRecord | undefined> {
    const r = await this.db
      .selectFrom('experiment_permissions')
      .selectAll()
      .where('experiment_id', '=', experimentId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return r && { experimentId: r.experiment_id, userId: Number(r.user_id), permission: r.permission as PermissionName };
  }

  updateExperimentPermission(row: ExperimentPermissionRecord, audit?: AuditEntry): Promise<boolean> {
    return this.write(
      async (tx) =>
        changed(
          await tx
            .updateTable('experiment_permissions')
            .set({ permission: row.permission })
            .where('experiment_id', '=', row.experimentId)
            .where('user_id', '=', row.userId)
            .executeTakeFirst(),
        ),
      audit,
    );
  }

  deleteExperimentPermission(experimentId: string, userId: number, audit?: AuditEntry): Promise<boolean> {
    return this.write(
      async (tx) =>
        deleted(await tx.deleteFrom('experiment_permissions').where('experiment_id', '=', experimentId).where('user_id', '=', userId).executeTakeFirst()),
      audit,
    );
  }

  async grantExperimentManage(experimentId: string, userId: number): Promise<void> {
    await this.write(async (tx) => {
      await tx
        .insertInto('experiment_permissions')
        .values({ experiment_id: experimentId, user_id: userId, permission: 'MANAGE' })
        .onConflict((oc) => oc.columns(['user_id', 'experiment_id']).doUpdateSet({ permission: 'MANAGE' }))
        .execute();
      return true;
    });
  }

  createRegisteredModelPermission(row: RegisteredModelPermissionRecord, audit?: AuditEntry): Promise<'created' | 'taken'> {
    return this.insert(async (tx) => {
      await tx.insertInto('registered_model_permissions').values({ name: row.name, user_id: row.userId, permission: row.permission }).execute();
    }, audit);
  }

  async registeredModelPermissionHolders(name: string): Promise<PermissionHolderRecord[]> {
    const rows = await this.db
      .selectFrom('registered_model_permissions')
      .innerJoin('users', 'users.id', 'registered_model_permissions.user_id')
      .select(['users.username', 'registered_model_permissions.permission'])
      .where('registered_model_permissions.name', '=', name)
      .orderBy('users.username')
      .execute();
    return rows.map((r) => ({ username: r.username, permission: r.permission as PermissionName }));
  }

  async getRegisteredModelPermission(name: string, userId: number): Promise<RegisteredModelPermissionRecord | undefined> {
    const r = await this.db.selectFrom('registered_model_permissions').selectAll().where('name', '=', name).where('user_id', '=', userId).executeTakeFirst();
    return r && { name: r.name, userId: Number(r.user_id), permission: r.permission as PermissionName };
  }

  updateRegisteredModelPermission(row: RegisteredModelPermissionRecord, audit?: AuditEntry): Promise<boolean> {
    return this.write(
      async (tx) =>
        changed(
          await tx
            .updateTable('registered_model_permissions')
            .set({ permission: row.permission })
            .where('name', '=', row.name)
            .where('user_id', '=', row.userId)
            .executeTakeFirst(),
        ),
      audit,
    );
  }

  deleteRegisteredModelPermission(name: string, userId: number, audit?: AuditEntry): Promise<boolean> {
    return this.write(
      async (tx) => deleted(await tx.deleteFrom('registered_model_permissions').where('name', '=', name).where('user_id', '=', userId).executeTakeFirst()),
      audit,
    );
  }

  async grantRegisteredModelManage(name: string, userId: number): Promise<void> {
    await this.write(async (tx) => {
      await tx
        .insertInto('registered_model_permissions')
        .values({ name, user_id: userId, permission: 'MANAGE' })
        .onConflict((oc) => oc.columns(['user_id', 'name']).doUpdateSet({ permission: 'MANAGE' }))
        .execute();
      return true;
    });
  }

  async renameRegisteredModelPermissions(from: string, to: string): Promise<void> {
    await this.write(async (tx) => changed(await tx.updateTable('registered_model_permissions').set({ name: to }).where('name', '=', from).executeTakeFirst()));
  }

  async deleteRegisteredModelPermissions(name: string): Promise<void> {
    await this.write(async (tx) => deleted(await tx.deleteFrom('registered_model_permissions').where('name', '=', name).executeTakeFirst()));
  }

  async generation(): Promise<number> {
    const row = await this.db.selectFrom('auth_generation').select('generation').where('id', '=', 1).executeTakeFirst();
    return Number(row?.generation ?? 0);
  }
}

function changed(result: { numUpdatedRows: bigint }): boolean {
  return result.numUpdatedRows > 0n;
}

function deleted(result: { numDeletedRows: bigint }): boolean {
  return result.numDeletedRows > 0n;
}
