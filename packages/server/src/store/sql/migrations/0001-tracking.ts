import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';

/**
 * Tracking schema: experiments, runs with params/tags/metric history/latest metrics, run inputs and
 * outputs, logged models. Text columns are unbounded (limits are enforced by services, spec §2.7);
 * long text values are never indexed (PostgreSQL's btree rows are capped near 2.7 KB).
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('experiments')
    .addColumn('experiment_id', dialect.idColumnType, (c) => dialect.idColumn(c))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('artifact_location', 'text', (c) => c.notNull())
    .addColumn('lifecycle_stage', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('experiment_tags')
    .addColumn('experiment_id', dialect.idColumnType, (c) => c.notNull().references('experiments.experiment_id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('experiment_tags_pk', ['experiment_id', 'key'])
    .execute();

  await db.schema
    .createTable('runs')
    .addColumn('run_uuid', 'text', (c) => c.primaryKey())
    .addColumn('experiment_id', dialect.idColumnType, (c) => c.notNull().references('experiments.experiment_id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint')
    .addColumn('lifecycle_stage', 'text', (c) => c.notNull())
    .addColumn('artifact_uri', 'text', (c) => c.notNull())
    .addColumn('deleted_time', 'bigint')
    .execute();
  await db.schema.createIndex('runs_experiment_start').on('runs').columns(['experiment_id', 'lifecycle_stage', 'start_time']).execute();

  for (const table of ['params', 'tags'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('run_uuid', 'text', (c) => c.notNull().references('runs.run_uuid').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['run_uuid', 'key'])
      .execute();
    await db.schema.createIndex(`${table}_key_run`).on(table).columns(['key', 'run_uuid']).execute();
  }

  await dialect
    .clusterByPrimaryKey(db.schema.createTable('metrics'))
    .addColumn('run_uuid', 'text', (c) => c.notNull().references('runs.run_uuid').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    .addColumn('is_nan', 'integer', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('dataset_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('dataset_digest', 'text', (c) => c.notNull().defaultTo(''))
    // Identical points are logged once (MLflow's metric primary key).
    .addPrimaryKeyConstraint('metrics_pk', ['run_uuid', 'key', 'step', 'timestamp', 'value', 'is_nan'])
    .execute();

  await dialect
    .clusterByPrimaryKey(db.schema.createTable('latest_metrics'))
    .addColumn('run_uuid', 'text', (c) => c.notNull().references('runs.run_uuid').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    .addColumn('is_nan', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('latest_metrics_pk', ['run_uuid', 'key'])
    .execute();
  // Metric filters and metric order_by scan by key and value.
  await db.schema.createIndex('latest_metrics_key_value').on('latest_metrics').columns(['key', 'is_nan', 'value', 'run_uuid']).execute();

  await db.schema
    .createTable('datasets')
    .addColumn('dataset_uuid', 'text', (c) => c.primaryKey())
    .addColumn('experiment_id', dialect.idColumnType, (c) => c.notNull().references('experiments.experiment_id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('schema', 'text')
    .addColumn('profile', 'text')
    .addUniqueConstraint('datasets_experiment_name_digest', ['experiment_id', 'name', 'digest'])
    .execute();

  await db.schema
    .createTable('run_inputs')
    .addColumn('run_uuid', 'text', (c) => c.notNull().references('runs.run_uuid').onDelete('cascade'))
    .addColumn('dataset_uuid', 'text', (c) => c.notNull().references('datasets.dataset_uuid').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_inputs_pk', ['run_uuid', 'dataset_uuid'])
    .execute();
  await db.schema
    .createTable('input_tags')
    .addColumn('run_uuid', 'text', (c) => c.notNull())
    .addColumn('dataset_uuid', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('input_tags_pk', ['run_uuid', 'dataset_uuid', 'key'])
    .addForeignKeyConstraint('input_tags_input_fk', ['run_uuid', 'dataset_uuid'], 'run_inputs', ['run_uuid', 'dataset_uuid'], (c) => c.onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('logged_models')
    .addColumn('model_id', 'text', (c) => c.primaryKey())
    .addColumn('experiment_id', dialect.idColumnType, (c) => c.notNull().references('experiments.experiment_id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('artifact_location', 'text', (c) => c.notNull())
    .addColumn('creation_timestamp_ms', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_timestamp_ms', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('lifecycle_stage', 'text', (c) => c.notNull())
    .addColumn('model_type', 'text')
    .addColumn('source_run_id', 'text')
    .addColumn('status_message', 'text')
    .execute();
  await db.schema
    .createIndex('logged_models_experiment_created')
    .on('logged_models')
    .columns(['experiment_id', 'lifecycle_stage', 'creation_timestamp_ms'])
    .execute();

  for (const table of ['logged_model_params', 'logged_model_tags'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('model_id', 'text', (c) => c.notNull().references('logged_models.model_id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['model_id', 'key'])
      .execute();
  }

  await db.schema
    .createTable('logged_model_metrics')
    .addColumn('model_id', 'text', (c) => c.notNull().references('logged_models.model_id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('is_nan', 'integer', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('dataset_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('dataset_digest', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('experiment_id', dialect.idColumnType, (c) => c.notNull())
    .addPrimaryKeyConstraint('logged_model_metrics_pk', ['model_id', 'key', 'step', 'timestamp', 'run_id', 'dataset_name', 'dataset_digest'])
    .execute();

  for (const table of ['run_model_inputs', 'run_model_outputs'] as const) {
    let builder = db.schema
      .createTable(table)
      .addColumn('run_uuid', 'text', (c) => c.notNull().references('runs.run_uuid').onDelete('cascade'))
      .addColumn('model_id', 'text', (c) => c.notNull());
    if (table === 'run_model_outputs') builder = builder.addColumn('step', 'bigint', (c) => c.notNull().defaultTo(0));
    await builder.addPrimaryKeyConstraint(`${table}_pk`, ['run_uuid', 'model_id']).execute();
  }

  // The default experiment exists from the first start (id 0, MLflow's "Default").
  const now = Date.now();
  await sql`insert into experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            values (0, 'Default', '', 'active', ${now}, ${now})`.execute(db);
}
