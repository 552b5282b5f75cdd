import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';

/**
 * Human review (MLflow's `label_schemas` and review-queue tables; spec §8.3, docs/api.md "Human
 * review"). Label schemas are experiment-scoped questions; a review queue is a named set of traces,
 * questions (schemas) and assigned users in one experiment. Queue items are soft references to traces,
 * as in MLflow: deleting a trace leaves its items. Everything goes with its experiment (cascades), and
 * a queue's users, schemas and items go with the queue. Unlike MLflow (which avoids a second cascade
 * path for MSSQL), `review_queue_label_schemas.schema_id` is a foreign key: deleting a schema detaches
 * it from every queue. Human answers are ordinary assessments (source HUMAN); nothing here stores them.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('label_schemas')
    .addColumn('schema_id', 'text', (c) => c.primaryKey())
    .addColumn('experiment_id', dialect.idColumnType, (c) => c.notNull().references('experiments.experiment_id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // `FEEDBACK` or `EXPECTATION` (proto names); immutable after create.
    .addColumn('type', 'text', (c) => c.notNull())
    // Older MLflow protos had a display title; kept when a client sends one.
    .addColumn('title', 'text')
    .addColumn('instruction', 'text')
    .addColumn('enable_comment', 'integer', (c) => c.notNull().defaultTo(0))
    // `pass_fail`, `categorical`, `numeric` or `text`, and that variant's JSON.
    .addColumn('input_type', 'text', (c) => c.notNull())
    .addColumn('input_config', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('label_schemas_experiment_name', ['experiment_id', 'name'])
    .execute();
  await db.schema
    .createTable('review_queues')
    .addColumn('queue_id', 'text', (c) => c.primaryKey())
    .addColumn('experiment_id', dialect.idColumnType, (c) => c.notNull().references('experiments.experiment_id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // The name lowercased: names are unique per experiment regardless of case (a user queue is named after its user).
    .addColumn('name_key', 'text', (c) => c.notNull())
    // `USER` or `CUSTOM` (proto names).
    .addColumn('queue_type', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('creation_time_ms', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time_ms', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('review_queues_experiment_name', ['experiment_id', 'name_key'])
    .execute();
  await db.schema.createIndex('review_queues_listing').on('review_queues').columns(['experiment_id', 'creation_time_ms']).execute();
  await db.schema
    .createTable('review_queue_users')
    .addColumn('queue_id', 'text', (c) => c.notNull().references('review_queues.queue_id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    // The order the client gave.
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('review_queue_users_pk', ['queue_id', 'user_id'])
    .execute();
  await db.schema.createIndex('review_queue_users_user').on('review_queue_users').columns(['user_id']).execute();
  await db.schema
    .createTable('review_queue_label_schemas')
    .addColumn('queue_id', 'text', (c) => c.notNull().references('review_queues.queue_id').onDelete('cascade'))
    .addColumn('schema_id', 'text', (c) => c.notNull().references('label_schemas.schema_id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('review_queue_label_schemas_pk', ['queue_id', 'schema_id'])
    .execute();
  await db.schema.createIndex('review_queue_label_schemas_schema').on('review_queue_label_schemas').columns(['schema_id']).execute();
  await db.schema
    .createTable('review_queue_items')
    .addColumn('queue_id', 'text', (c) => c.notNull().references('review_queues.queue_id').onDelete('cascade'))
    // `TRACE` (the only item type MLflow has).
    .addColumn('item_type', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    // `PENDING`, `COMPLETE` or `DECLINED`.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('completed_by', 'text')
    .addColumn('completed_time_ms', 'bigint')
    .addColumn('creation_time_ms', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time_ms', 'bigint', (c) => c.notNull())
    // Attach order within the queue (newest-attached first, ties within one call in request order).
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('review_queue_items_pk', ['queue_id', 'item_id'])
    .execute();
  await db.schema.createIndex('review_queue_items_listing').on('review_queue_items').columns(['queue_id', 'seq']).execute();
  await db.schema.createIndex('review_queue_items_status').on('review_queue_items').columns(['queue_id', 'status', 'seq']).execute();
  await db.schema.createIndex('review_queue_items_item').on('review_queue_items').columns(['item_id']).execute();
}
