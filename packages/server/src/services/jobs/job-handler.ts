/** A claimed job as its handler sees it. */
export interface RunningJob<P = unknown> {
  id: string;
  kind: string;
  payload: P;
  /** 1 on the first attempt. */
  attempt: number;
  maxAttempts: number;
  /** Epoch milliseconds it was enqueued. */
  createdAt: number;
}

/**
 * What an attempt came to. Returning nothing means done; throwing counts as `retry` with the runner's
 * backoff (or `fail` once the attempts are used up).
 */
export type JobResult =
  | { outcome: 'done' }
  /** Run again: at `at` (epoch ms; a receiver's Retry-After) or, without it, after the runner's backoff. */
  | { outcome: 'retry'; error: string; at?: number }
  /** Never run again: the error is kept on the job. */
  | { outcome: 'fail'; error: string };

/**
 * Runs the jobs of one kind. Jobs run at least once: an attempt may be repeated after a crash (its
 * lease runs out and another runner takes the job), so a handler must be idempotent or detect a repeat.
 * `signal` aborts when the runner stops or loses the job's lease; the handler should give up promptly.
 *
 * @example
 * const handler: JobHandler<{ traceId: string }> = {
 *   kind: 'judge.trace',
 *   run: async (job, signal) => { await judge(job.payload.traceId, signal); },
 * };
 */
export interface JobHandler<P = unknown> {
  kind: string;
  run(job: RunningJob<P>, signal: AbortSignal): Promise<JobResult | void>;
  /**
   * The most jobs of this kind to run at once right now, asked before each claim (default: only the
   * runner's concurrency limits it). Work that can wait lowers it while the server is saturated.
   */
  maxRunning?(): number;
}
