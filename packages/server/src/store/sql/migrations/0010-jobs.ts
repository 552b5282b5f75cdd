import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';

/**
 * Durable background jobs (ADR 0012): one row per job, claimed by a runner with a lease. `run_at` is
 * when the job may next be claimed: for a pending job when it is due, for a running one when its
 * lease runs out (so one index serves both the due and the abandoned jobs). `dedupe_key` is unique:
 * enqueuing a key that is already queued adds nothing. Succeeded jobs are deleted; failed ones stay,
 * with their last error.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', dialect.idColumnType, (c) => dialect.idColumn(c))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // The claim's scan: unfinished jobs in the order they fall due.
  await db.schema.createIndex('jobs_due').on('jobs').columns(['run_at', 'id']).where(sql.ref('status'), 'in', ['pending', 'running']).execute();
}
