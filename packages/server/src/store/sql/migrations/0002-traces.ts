import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';

/** Traces, their tags and metadata, and spans (ADR 0002). */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('traces')
    .addColumn('trace_id', 'text', (c) => c.primaryKey())
    .addColumn('experiment_id', dialect.idColumnType, (c) => c.notNull().references('experiments.experiment_id').onDelete('cascade'))
    .addColumn('client_request_id', 'text')
    .addColumn('request_time_ms', 'bigint', (c) => c.notNull())
    .addColumn('execution_duration_ms', 'bigint')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('request_preview', 'text')
    .addColumn('response_preview', 'text')
    .addColumn('root_span_id', 'text')
    .addColumn('span_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('finalized', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('traces_experiment_time').on('traces').columns(['experiment_id', 'request_time_ms', 'trace_id']).execute();
  await db.schema.createIndex('traces_experiment_state_time').on('traces').columns(['experiment_id', 'state', 'request_time_ms']).execute();
  await db.schema.createIndex('traces_client_request_id').on('traces').columns(['client_request_id']).execute();

  for (const table of ['trace_tags', 'trace_metadata'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('trace_id', 'text', (c) => c.notNull().references('traces.trace_id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['trace_id', 'key'])
      .execute();
    // Values reach 8,000 characters, past PostgreSQL's btree row limit: index a prefix, re-check the value.
    await sql`create index ${sql.id(`${table}_key_value`)} on ${sql.table(table)} (key, substr(value, 1, 200), trace_id)`.execute(db);
  }

  await db.schema
    .createTable('spans')
    .addColumn('trace_id', 'text', (c) => c.notNull().references('traces.trace_id').onDelete('cascade'))
    .addColumn('span_id', 'text', (c) => c.notNull())
    .addColumn('parent_span_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('start_time_us', 'bigint', (c) => c.notNull())
    .addColumn('end_time_us', 'bigint')
    .addColumn('content', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('spans_pk', ['trace_id', 'span_id'])
    .execute();
  await db.schema.createIndex('spans_trace_time').on('spans').columns(['trace_id', 'start_time_us', 'span_id']).execute();
  await db.schema.createIndex('spans_trace_parent').on('spans').columns(['trace_id', 'parent_span_id', 'start_time_us']).execute();
}
