import type { Kysely, Selectable } from 'kysely';
import { DEFAULT_MAX_ATTEMPTS, type JobRecord, type NewJob } from '../job-store.js';
import type { JobsTable } from './job-schema.js';
import type { Database } from './schema.js';

/**
 * Inserts jobs in the caller's transaction (so work can be queued atomically with the change that
 * causes it, as the webhook fan-out does); a `dedupeKey` already present is skipped. Returns how many
 * rows were added.
 *
 * @example
 * await db.transaction().execute((tx) => insertJobs(tx, [{ kind: 'webhook.delivery', payload: { delivery_id } }], now));
 */
export async function insertJobs(db: Kysely<Database>, jobs: readonly NewJob[], now: number): Promise<number> {
  if (jobs.length === 0) return 0;
  const rows = jobs.map((job) => ({
    kind: job.kind,
    payload: JSON.stringify(job.payload ?? null),
    status: 'pending',
    run_at: job.runAt ?? now,
    max_attempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    dedupe_key: job.dedupeKey ?? null,
    keep: job.keep ? 1 : 0,
    created_at: now,
    updated_at: now,
  }));
  let added = 0;
  // Chunks stay well below both databases' bound-parameter limits (8 values a row).
  for (let i = 0; i < rows.length; i += 500) {
    const result = await db
      .insertInto('jobs')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/**
 * A `jobs` row as a {@link JobRecord}.
 *
 * @example
 * const job = toJobRecord(row);
 */
export function toJobRecord(row: Selectable<JobsTable>): JobRecord {
  return {
    id: String(row.id),
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    status: row.status as JobRecord['status'],
    runAt: Number(row.run_at),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    lockedBy: row.locked_by,
    lastError: row.last_error,
    dedupeKey: row.dedupe_key,
    keep: Number(row.keep) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
