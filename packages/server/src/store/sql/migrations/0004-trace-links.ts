import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';

/**
 * Links from traces to other entities (MLflow's trace entity associations): runs (`link-to-run`) and
 * prompt versions (target `<name>/<version>`, kept equal to the entries of the trace's
 * `mlflow.linkedPrompts` tag). They go with their trace.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('trace_links')
    .addColumn('trace_id', 'text', (c) => c.notNull().references('traces.trace_id').onDelete('cascade'))
    .addColumn('link_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('trace_links_pk', ['trace_id', 'link_type', 'target_id'])
    .execute();
  // Search goes from a target to its traces (`run_id = '...'`, `prompt = 'name/1'`).
  await db.schema.createIndex('trace_links_target').on('trace_links').columns(['link_type', 'target_id', 'trace_id']).execute();
}
