import { sql, type Kysely } from 'kysely';

/**
 * Traces by their end time within an experiment: online scoring's scheduler walks the traces that
 * ended since its cursor in (end, start, id) order (TraceStore.scanEndedTraces). End time is the
 * expression `request_time_ms + execution_duration_ms`, indexed as such (both databases index
 * expressions), so each pass seeks to its cursor instead of sorting the experiment's traces.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index traces_experiment_end on traces (experiment_id, (request_time_ms + execution_duration_ms), request_time_ms, trace_id)`.execute(db);
}
