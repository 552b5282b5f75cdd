import { sql, type Kysely, type Updateable } from 'kysely';
import type { ClaimRequest, JobRecord, JobStore, NewJob } from '../job-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import { insertJobs, toJobRecord } from './job-rows.js';
import type { JobsTable } from './job-schema.js';
import type { Database } from './schema.js';

/** Error texts are kept short enough to store and show. */
const MAX_ERROR_CHARS = 4000;

function clip(error: string): string {
  return error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS)}...` : error;
}

/**
 * The job queue on SQLite or PostgreSQL (ADR 0012). A claim is one transaction: SELECT the due ids
 * (oldest due first, LIMIT n), then `UPDATE ... WHERE id IN (...) RETURNING *`. On PostgreSQL the
 * SELECT takes `FOR UPDATE SKIP LOCKED`, so concurrent claims from several servers pass over each
 * other's rows instead of waiting or taking them twice; on SQLite the transaction is `BEGIN
 * IMMEDIATE`, so claims from several processes take turns.
 *
 * @example
 * const jobs = new SqlJobStore(db, dialect);
 * const [job] = await jobs.claim({ kinds: ['webhook.delivery'], worker: 'w1', limit: 1, now: Date.now(), leaseMs: 60_000 });
 */
export class SqlJobStore implements JobStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  enqueue(jobs: readonly NewJob[], now: number): Promise<number> {
    return this.db.transaction().execute((tx) => insertJobs(tx, jobs, now));
  }

  async claim(request: ClaimRequest): Promise<JobRecord[]> {
    if (request.limit <= 0 || request.kinds.length === 0) return [];
    const { locking } = this.dialect;
    return locking.writeTransaction(this.db, async (tx) => {
      const due = await tx
        .selectFrom('jobs')
        .select('id')
        .where('status', 'in', ['pending', 'running'])
        .where('run_at', '<=', request.now)
        .where('kind', 'in', [...request.kinds])
        .orderBy('run_at')
        .orderBy('id')
        .limit(request.limit)
        .modifyEnd(locking.forUpdateSkipLocked)
        .execute();
      if (due.length === 0) return [];
      const ids = due.map((r) => Number(r.id));
      const rows = await tx
        .updateTable('jobs')
        .set((eb) => ({
          status: 'running',
          attempts: eb('attempts', '+', 1),
          locked_by: request.worker,
          run_at: request.now + request.leaseMs,
          updated_at: request.now,
        }))
        .where('id', 'in', ids)
        .returningAll()
        .execute();
      const byId = new Map(rows.map((row) => [Number(row.id), row]));
      return ids.flatMap((id) => {
        const row = byId.get(id);
        return row ? [toJobRecord(row)] : [];
      });
    });
  }

  async complete(job: Pick<JobRecord, 'id' | 'keep'>, worker: string, now: number): Promise<boolean> {
    const id = Number(job.id);
    if (job.keep) {
      const kept = await this.db
        .updateTable('jobs')
        .set({ status: 'succeeded', locked_by: null, dedupe_key: null, last_error: null, updated_at: now })
        .where('id', '=', id)
        .where('locked_by', '=', worker)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(kept.numUpdatedRows) > 0;
    }
    const removed = await this.db.deleteFrom('jobs').where('id', '=', id).where('locked_by', '=', worker).where('status', '=', 'running').executeTakeFirst();
    return Number(removed.numDeletedRows) > 0;
  }

  retry(id: string, worker: string, runAt: number, error: string, now: number): Promise<boolean> {
    return this.updateHeld(id, worker, { status: 'pending', run_at: runAt, last_error: clip(error), locked_by: null, updated_at: now });
  }

  fail(id: string, worker: string, error: string, now: number): Promise<boolean> {
    return this.updateHeld(id, worker, { status: 'failed', last_error: clip(error), locked_by: null, updated_at: now });
  }

  async release(id: string, worker: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ status: 'pending', run_at: now, locked_by: null, updated_at: now, attempts: sql<number>`attempts - 1` })
      .where('id', '=', Number(id))
      .where('locked_by', '=', worker)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  extendLease(id: string, worker: string, until: number): Promise<boolean> {
    return this.updateHeld(id, worker, { run_at: until });
  }

  async get(id: string): Promise<JobRecord | undefined> {
    if (!/^\d+$/.test(id)) return undefined;
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', Number(id)).executeTakeFirst();
    return row ? toJobRecord(row) : undefined;
  }

  async list(kind: string, limit: number): Promise<JobRecord[]> {
    const rows = await this.db.selectFrom('jobs').selectAll().where('kind', '=', kind).orderBy('id').limit(limit).execute();
    return rows.map(toJobRecord);
  }

  async search(query: { kinds: readonly string[]; statuses: readonly JobRecord['status'][]; limit: number }): Promise<JobRecord[]> {
    let q = this.db.selectFrom('jobs').selectAll();
    if (query.kinds.length > 0) q = q.where('kind', 'in', [...query.kinds]);
    if (query.statuses.length > 0) q = q.where('status', 'in', [...query.statuses]);
    const rows = await q.orderBy('id').limit(query.limit).execute();
    return rows.map(toJobRecord);
  }

  async purgeFinished(before: number, limit: number): Promise<number> {
    // The jobs_finished index (migrations/0022): finished jobs in the order they finished.
    const doomed = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('status', 'in', ['succeeded', 'failed'])
      .where('updated_at', '<', before)
      .orderBy('updated_at')
      .limit(limit)
      .execute();
    if (doomed.length === 0) return 0;
    const ids = doomed.map((r) => Number(r.id));
    // Only finished jobs: one retried by hand in between is left alone.
    const result = await this.db.deleteFrom('jobs').where('id', 'in', ids).where('status', 'in', ['succeeded', 'failed']).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async updateHeld(id: string, worker: string, set: Updateable<JobsTable>): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set(set)
      .where('id', '=', Number(id))
      .where('locked_by', '=', worker)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
