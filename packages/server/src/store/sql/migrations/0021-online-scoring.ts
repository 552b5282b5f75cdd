import type { Kysely } from 'kysely';

/**
 * Online scoring's progress (spec §11.1): one cursor per scorer and lane (`trace`: traces finished
 * since; `session`: sessions idle since), the position after the last trace the scheduler handed
 * to the job queue, as JSON. The scheduler moves it in the transaction that enqueues the jobs, on
 * the condition that it still holds the value it read, so two servers never both enqueue a stretch.
 * Goes with its scorer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('online_scoring_cursors')
    .addColumn('scorer_id', 'text', (c) => c.notNull().references('scorers.scorer_id').onDelete('cascade'))
    .addColumn('lane', 'text', (c) => c.notNull())
    .addColumn('position', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('online_scoring_cursors_pk', ['scorer_id', 'lane'])
    .execute();
}
