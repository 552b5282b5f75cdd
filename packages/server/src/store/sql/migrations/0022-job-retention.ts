import { sql, type Kysely } from 'kysely';

/**
 * Jobs someone may look up afterwards (a judge run on chosen traces, a backfill) are kept when they
 * succeed, as `succeeded`, so MLflow's jobs API can answer for them; `keep` marks them. Finished jobs
 * (succeeded and failed) are purged after a retention time, found by `updated_at` through the
 * partial index below; jobs not marked are still removed the moment they succeed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('keep', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('jobs_finished').on('jobs').columns(['updated_at', 'id']).where(sql.ref('status'), 'in', ['succeeded', 'failed']).execute();
}
