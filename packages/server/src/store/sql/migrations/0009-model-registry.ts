import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';

/**
 * The model and prompt registry (spec §6, §7): registered models keyed by an integer (a rename touches
 * one row), their tags and aliases, versions numbered per model (a deleted version keeps its row, so
 * its number is never reused, as in MLflow), version tags, and `registry_events`: the outbox of the
 * registry changes MLflow turns into webhook events, written in the transaction of each change and
 * read by the webhook dispatcher (its `seq` orders them; `payload` is MLflow's event `data` as JSON).
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('registered_models')
    .addColumn('model_key', dialect.idColumnType, (c) => dialect.idColumn(c))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .addColumn('description', 'text')
    .execute();
  // Search orders by the update time (`timestamp DESC`) and creation time as well as by name.
  await db.schema.createIndex('registered_models_updated').on('registered_models').columns(['last_updated_time', 'name']).execute();
  await db.schema.createIndex('registered_models_created').on('registered_models').columns(['creation_time', 'name']).execute();

  await db.schema
    .createTable('registered_model_tags')
    .addColumn('model_key', dialect.idColumnType, (c) => c.notNull().references('registered_models.model_key').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registered_model_tags_pk', ['model_key', 'key'])
    .execute();

  await db.schema
    .createTable('model_versions')
    .addColumn('model_key', dialect.idColumnType, (c) => c.notNull().references('registered_models.model_key').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('user_id', 'text')
    .addColumn('current_stage', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('storage_location', 'text')
    .addColumn('run_id', 'text')
    .addColumn('run_link', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_message', 'text')
    .addColumn('model_id', 'text')
    .addPrimaryKeyConstraint('model_versions_pk', ['model_key', 'version'])
    .execute();
  // A registered model's newest version per stage (latest_versions, get-latest-versions, `@latest`).
  await db.schema.createIndex('model_versions_stage').on('model_versions').columns(['model_key', 'current_stage', 'version']).execute();
  await db.schema.createIndex('model_versions_run').on('model_versions').columns(['run_id']).execute();
  await db.schema.createIndex('model_versions_updated').on('model_versions').columns(['last_updated_time']).execute();

  await db.schema
    .createTable('model_version_tags')
    .addColumn('model_key', dialect.idColumnType, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_version_tags_pk', ['model_key', 'version', 'key'])
    .addForeignKeyConstraint('model_version_tags_version_fk', ['model_key', 'version'], 'model_versions', ['model_key', 'version'], (c) =>
      c.onDelete('cascade'),
    )
    .execute();
  // Prompt versions are found by their tag (`mlflow.prompt.is_prompt`) whatever the model.
  await db.schema.createIndex('model_version_tags_key').on('model_version_tags').columns(['key', 'model_key']).execute();

  await db.schema
    .createTable('registered_model_aliases')
    .addColumn('model_key', dialect.idColumnType, (c) => c.notNull().references('registered_models.model_key').onDelete('cascade'))
    .addColumn('alias', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('registered_model_aliases_pk', ['model_key', 'alias'])
    .execute();

  // Migration 0011 (webhooks) makes the same table where this one has not run; either may come first.
  await db.schema
    .createTable('registry_events')
    .ifNotExists()
    .addColumn('seq', dialect.idColumnType, (c) => dialect.idColumn(c))
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
