/** A job to add to the queue. */
export interface NewJob {
  /** Which handler runs it (`webhook.delivery`, ...). */
  kind: string;
  /** Anything JSON can hold; the handler gets it back as it was given. */
  payload: unknown;
  /** Epoch milliseconds it may run from (default: now). */
  runAt?: number;
  /** Attempts before it fails for good (default 5). */
  maxAttempts?: number;
  /** While a job with this key is queued or failed, enqueuing the key again adds nothing. */
  dedupeKey?: string;
  /**
   * Kept, as `succeeded`, when it succeeds (until the retention purge), so it can be looked up
   * afterwards: jobs someone asked for (a judge run on chosen traces, a backfill). Others are
   * removed the moment they succeed.
   */
  keep?: boolean;
}

/** A job as stored. Times are epoch milliseconds. */
export interface JobRecord {
  id: string;
  kind: string;
  payload: unknown;
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  /** Pending: when it is due. Running: when the lease of {@link lockedBy} runs out. */
  runAt: number;
  /** Attempts started so far, this one included while running. */
  attempts: number;
  maxAttempts: number;
  lockedBy: string | null;
  lastError: string | null;
  dedupeKey: string | null;
  keep: boolean;
  createdAt: number;
  updatedAt: number;
}

/** What a runner asks for when it claims work. */
export interface ClaimRequest {
  /** Only jobs of these kinds (the ones the runner has handlers for). */
  kinds: readonly string[];
  /** The runner's id, recorded as the lease holder. */
  worker: string;
  limit: number;
  now: number;
  /** How long the lease lasts before another runner may take the job over. */
  leaseMs: number;
}

/** Default attempts of a job that does not say. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * The durable job queue (ADR 0012). A claim leases due jobs to one runner: pending jobs whose time has
 * come and running jobs whose lease ran out (their runner died); no two runners hold one job at once.
 * Every change to a claimed job names the runner, and does nothing (answers false) when the runner
 * no longer holds the lease, so a runner that lost its job cannot finish someone else's attempt.
 */
export interface JobStore {
  /** Adds jobs (keys already queued are skipped); returns how many were added. */
  enqueue(jobs: readonly NewJob[], now: number): Promise<number>;
  /** Leases up to `limit` due jobs to `worker`, oldest due first, counting an attempt on each. */
  claim(request: ClaimRequest): Promise<JobRecord[]>;
  /** The attempt succeeded: the job is removed, or kept as `succeeded` (its dedupe key freed) when it was enqueued with `keep`. */
  complete(job: Pick<JobRecord, 'id' | 'keep'>, worker: string, now: number): Promise<boolean>;
  /** The attempt failed and the job runs again at `runAt`. */
  retry(id: string, worker: string, runAt: number, error: string, now: number): Promise<boolean>;
  /** The job failed for good; it stays, with its error. */
  fail(id: string, worker: string, error: string, now: number): Promise<boolean>;
  /** Gives the job back unstarted (the runner is stopping): due now, the attempt not counted. */
  release(id: string, worker: string, now: number): Promise<boolean>;
  /** Extends the lease to `until`; false when `worker` no longer holds it. */
  extendLease(id: string, worker: string, until: number): Promise<boolean>;
  get(id: string): Promise<JobRecord | undefined>;
  /** Jobs of a kind, oldest first (tests and operators). */
  list(kind: string, limit: number): Promise<JobRecord[]>;
  /** Jobs of these kinds and statuses (all when a list is empty), oldest first (the jobs API). */
  search(query: { kinds: readonly string[]; statuses: readonly JobRecord['status'][]; limit: number }): Promise<JobRecord[]>;
  /** Removes up to `limit` finished jobs (succeeded or failed) last changed before `before`, oldest first; returns how many. */
  purgeFinished(before: number, limit: number): Promise<number>;
}
