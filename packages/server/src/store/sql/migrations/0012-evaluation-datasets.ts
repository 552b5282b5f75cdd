import type { Kysely } from 'kysely';

/**
 * Evaluation datasets (spec §8.1, MLflow's `evaluation_datasets`, `evaluation_dataset_tags`,
 * `evaluation_dataset_records` and the dataset-to-experiment rows of `entity_associations`). A record
 * is unique per dataset by the hash of its inputs; tags, records and experiment links go with their
 * dataset (ON DELETE CASCADE). Experiment links keep the id as given: MLflow does not check it on
 * create, and deleting an experiment (a lifecycle change) leaves its links, as in MLflow.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('evaluation_datasets')
    .addColumn('dataset_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('schema', 'text')
    .addColumn('profile', 'text')
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('last_updated_by', 'text')
    .execute();
  // Search orders by creation time (the default, newest first), update time or name; `dataset_id` breaks ties.
  await db.schema.createIndex('evaluation_datasets_created').on('evaluation_datasets').columns(['created_time', 'dataset_id']).execute();
  await db.schema.createIndex('evaluation_datasets_name').on('evaluation_datasets').columns(['name', 'dataset_id']).execute();

  await db.schema
    .createTable('evaluation_dataset_tags')
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('evaluation_datasets.dataset_id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('evaluation_dataset_tags_pk', ['dataset_id', 'key'])
    .execute();

  await db.schema
    .createTable('evaluation_dataset_records')
    .addColumn('dataset_record_id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('evaluation_datasets.dataset_id').onDelete('cascade'))
    .addColumn('input_hash', 'text', (c) => c.notNull())
    .addColumn('inputs', 'text', (c) => c.notNull())
    .addColumn('outputs', 'text')
    .addColumn('expectations', 'text')
    .addColumn('tags', 'text')
    .addColumn('source', 'text')
    .addColumn('source_id', 'text')
    .addColumn('source_type', 'text')
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('last_updated_by', 'text')
    .addUniqueConstraint('evaluation_dataset_records_input', ['dataset_id', 'input_hash'])
    .execute();
  // Records are listed in MLflow's order: creation time, then id.
  await db.schema
    .createIndex('evaluation_dataset_records_listing')
    .on('evaluation_dataset_records')
    .columns(['dataset_id', 'created_time', 'dataset_record_id'])
    .execute();

  await db.schema
    .createTable('evaluation_dataset_experiments')
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('evaluation_datasets.dataset_id').onDelete('cascade'))
    .addColumn('experiment_id', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('evaluation_dataset_experiments_pk', ['dataset_id', 'experiment_id'])
    .execute();
  // Search by experiment: the datasets linked to any of them.
  await db.schema
    .createIndex('evaluation_dataset_experiments_experiment')
    .on('evaluation_dataset_experiments')
    .columns(['experiment_id', 'dataset_id'])
    .execute();
}
