import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';

/**
 * Users and permissions of the basic-auth app (docs/adr/0013-auth.md §4), in the backend store: MLflow
 * keeps them in a database of their own; one database is one thing to back up. Permission rows name
 * experiments and registered models without foreign keys, as MLflow's do (a permission may be created
 * before its experiment, and outlives a deleted experiment's id, which is never reused).
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', dialect.idColumnType, (c) => dialect.idColumn(c))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('experiment_permissions')
    .addColumn('experiment_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('permission', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('experiment_permissions_pk', ['user_id', 'experiment_id'])
    .execute();
  await db.schema
    .createTable('registered_model_permissions')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('permission', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registered_model_permissions_pk', ['user_id', 'name'])
    .execute();
  await db.schema.createIndex('registered_model_permissions_name').on('registered_model_permissions').column('name').execute();
  await db.schema
    .createTable('auth_generation')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('generation', 'bigint', (c) => c.notNull())
    .execute();
  await (db as Kysely<{ auth_generation: { id: number; generation: number } }>).insertInto('auth_generation').values({ id: 1, generation: 0 }).execute();
}
