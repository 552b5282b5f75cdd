import type { NewJob } from './job-store.js';

/** Which stream of work a cursor follows: finished traces, or sessions that went idle. */
export type OnlineScoringLane = 'trace' | 'session';

/** A position in a trace search's order (the sort-key values of the last trace handed out). */
export type ScanPosition = (string | number | null)[];

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
}
