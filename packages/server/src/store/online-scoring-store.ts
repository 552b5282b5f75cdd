import type { NewJob } from './job-store.js';

/** Which stream of work a cursor follows: finished traces, or sessions that went idle. */
export type OnlineScoringLane = 'trace' | 'session';

/** A position in a trace search's order (the sort-key values of the last trace handed out). */
export type ScanPosition = (string | number | null)[];

/** A scorer, as {@link OnlineScoringStore.progress} looks for its work. */
export interface ProgressQuery {
  scorerId: string;
  experimentId: string;
  /** Its judgements are assessments of this name. */
  name: string;
  /** The kind of its judgement jobs (their payload names the scorer as `scorerId`). */
  jobKind: string;
}

/** How far a scorer's online scoring has come. Times are epoch milliseconds. */
export interface OnlineScorerProgress {
  /** Each lane's cursor, with when it last moved. */
  cursors: { lane: OnlineScoringLane; position: ScanPosition; updatedAt: number }[];
  /** Its judgement jobs by status (done jobs are removed, so these are the queued and the failed). */
  jobs: { pending: number; running: number; failed: number };
  /** When its newest judgement was written: an `LLM_JUDGE` assessment of its name on a trace of its experiment. */
  lastJudgementMs?: number;
}

/**
 * Online scoring's progress per scorer (spec §11.1): where each lane's scan stopped. The scheduler
 * reads a cursor, finds the work after it, and moves it with {@link advance}, which enqueues the jobs
 * in the same transaction and only if nobody moved the cursor meanwhile (another server).
 */
export interface OnlineScoringStore {
  /** The lane's position, or undefined when the scorer was never scanned. */
  getCursor(scorerId: string, lane: OnlineScoringLane): Promise<ScanPosition | undefined>;
  /**
   * Moves the cursor from `expected` (undefined: no cursor yet) to `next` and enqueues `jobs`, in one
   * transaction. False, with nothing written, when the cursor no longer holds `expected`.
   */
  advance(
    scorerId: string,
    lane: OnlineScoringLane,
    expected: ScanPosition | undefined,
    next: ScanPosition,
    jobs: readonly NewJob[],
    now: number,
  ): Promise<boolean>;
  /** Where a scorer's scans stand, its queued and failed jobs, and its newest judgement (the status route). */
  progress(query: ProgressQuery): Promise<OnlineScorerProgress>;
}
