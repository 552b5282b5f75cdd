import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';

/**
 * Production monitors (Loupe's own, docs/api.md "Monitors"): a threshold rule on a trace metric over a
 * window, evaluated by jobs (ADR 0012). `next_evaluation_at` is claimed by compare-and-set in the
 * transaction that queues the evaluation job, so one server queues each due evaluation; `version`
 * moves with every recorded evaluation and settings change, so of two evaluations that read the same
 * version one records (and only it writes the state change, its history row and its webhook event).
 * Monitors and their history go with their experiment.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('monitors')
    .addColumn('monitor_id', 'text', (c) => c.primaryKey())
    .addColumn('experiment_id', dialect.idColumnType, (c) => c.notNull().references('experiments.experiment_id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('assessment_name', 'text')
    .addColumn('filter_string', 'text')
    .addColumn('comparator', 'text', (c) => c.notNull())
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('window_ms', 'bigint', (c) => c.notNull())
    .addColumn('interval_ms', 'bigint', (c) => c.notNull())
    .addColumn('min_samples', 'bigint', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    // `OK`, `ALERT` or `NO_DATA`.
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('last_value', 'double precision')
    .addColumn('last_sample_count', 'bigint')
    .addColumn('last_evaluated_at', 'bigint')
    .addColumn('state_changed_at', 'bigint')
    .addColumn('next_evaluation_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('creation_timestamp', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_timestamp', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('monitors_experiment_name', ['experiment_id', 'name'])
    .execute();
  await db.schema.createIndex('monitors_due').on('monitors').columns(['enabled', 'next_evaluation_at']).execute();
  await db.schema
    .createTable('monitor_events')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('monitor_id', 'text', (c) => c.notNull().references('monitors.monitor_id').onDelete('cascade'))
    .addColumn('from_state', 'text', (c) => c.notNull())
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('sample_count', 'bigint', (c) => c.notNull())
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('comparator', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('monitor_events_listing').on('monitor_events').columns(['monitor_id', 'created_at', 'event_id']).execute();
}
