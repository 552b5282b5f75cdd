import type { MonitorComparator, MonitorMetric, MonitorState } from '@loupe/protocol';
import type { NewJob } from './job-store.js';
import type { Page, PageRequest } from './tracking-store.js';

/** A monitor's rule: what it watches and when it alerts. */
export interface MonitorRule {
  metric: MonitorMetric;
  /** The judge whose scores `assessment_*` metrics read. */
  assessmentName?: string;
  /** A trace search filter (spec §9.5) narrowing the traces (and their scores) in the window. */
  filterString?: string;
  comparator: MonitorComparator;
  threshold: number;
  windowMs: number;
  intervalMs: number;
  minSamples: number;
}

/** A monitor as stored. Times are epoch milliseconds. */
export interface MonitorRecord extends MonitorRule {
  monitorId: string;
  experimentId: string;
  name: string;
  description?: string;
  enabled: boolean;
  state: MonitorState;
  lastValue?: number;
  lastSampleCount?: number;
  lastEvaluatedAt?: number;
  stateChangedAt?: number;
  /** When the next evaluation is due (the scheduler claims it). */
  nextEvaluationAt: number;
  /** Moves with every recorded evaluation and settings change (compare-and-set). */
  version: number;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
}

/** What an update changes (absent: unchanged; `null`: cleared). */
export type MonitorPatch = Partial<Pick<MonitorRecord, 'name' | 'enabled' | keyof Omit<MonitorRule, 'assessmentName' | 'filterString'>>> & {
  description?: string | null;
  assessmentName?: string | null;
  filterString?: string | null;
  /** Set when the rule changed: the next evaluation is due then. */
  nextEvaluationAt?: number;
  lastUpdatedTimestamp: number;
};

/** One state change of a monitor (its alert history). */
export interface MonitorEventRecord {
  eventId: string;
  monitorId: string;
  fromState: MonitorState;
  toState: MonitorState;
  value?: number;
  sampleCount: number;
  threshold: number;
  comparator: MonitorComparator;
  createdAt: number;
}

/** A webhook event to write in the transaction of a state change (`registry_events`, ADR 0012). */
export interface MonitorWebhookEvent {
  entity: string;
  action: string;
  data: Record<string, unknown>;
}

/** An evaluation's outcome, recorded only if the monitor is still at `expectedVersion`. */
export interface MonitorEvaluation {
  monitorId: string;
  expectedVersion: number;
  state: MonitorState;
  value?: number;
  sampleCount: number;
  evaluatedAt: number;
  /** Present when the state changed: its history row, and the webhook event it fires, if any. */
  change?: { event: MonitorEventRecord; webhook?: MonitorWebhookEvent };
}

/** Where a page of a monitor's history starts: after this (newest-first) position. */
export interface MonitorEventCursor {
  createdAt: number;
  eventId: string;
}

/**
 * Monitors and their state-change history (docs/api.md "Monitors"). Names are unique per experiment
 * (`'taken'`). The two writes that background evaluation makes are conditional, so any number of
 * servers may run them at once: {@link enqueueDue} moves each due monitor's next time with a
 * compare-and-set in the transaction that queues its job, and {@link recordEvaluation} records an
 * outcome (with its history row and webhook event, in one transaction) only over the version it read.
 */
export interface MonitorStore {
  create(record: MonitorRecord): Promise<'created' | 'taken'>;
  get(monitorId: string): Promise<MonitorRecord | undefined>;
  /** Oldest first, then by id. */
  list(experimentId: string, page: PageRequest): Promise<Page<MonitorRecord>>;
  /** Undefined when there is no such monitor. Moves the version. */
  update(monitorId: string, patch: MonitorPatch): Promise<MonitorRecord | 'taken' | undefined>;
  /** Also removes its history; false when there was no such monitor. */
  delete(monitorId: string): Promise<boolean>;
  /**
   * Queues `job(monitor)` for up to `limit` enabled monitors due at `now` and moves each one's next
   * evaluation to `now + interval`, both in one transaction; a monitor another server claimed meanwhile
   * is passed over. Returns the jobs queued.
   */
  enqueueDue(now: number, limit: number, job: (monitor: MonitorRecord) => NewJob): Promise<number>;
  /** Records the outcome if the monitor is still at `expectedVersion`; false when it moved (nothing written). */
  recordEvaluation(evaluation: MonitorEvaluation): Promise<boolean>;
  /** Newest first. */
  listEvents(monitorId: string, limit: number, after?: MonitorEventCursor): Promise<Page<MonitorEventRecord>>;
}
