import { ApiError } from '@loupe/protocol';
import { TraceMetadataKey } from '@loupe/protocol/attributes';
import type { JobRecord, JobStore, NewJob } from '../../../store/job-store.js';
import type { OnlineScoringLane, OnlineScoringStore } from '../../../store/online-scoring-store.js';
import type { TraceRecord, TraceStore } from '../../../store/trace-store.js';
import type { ScorerService } from '../scorer-service.js';
import { onlineJudgeDefinition, UnsupportedOnlineJudge, type OnlineJudgeDefinition } from './online-judge-definition.js';
import {
  endTimeOf,
  FINISHED,
  isSampled,
  judgementJob,
  NOT_EVALUATION,
  numberClause,
  ONLINE_SCORING_JOB,
  scorerFilter,
  type OnlineScoringJobPayload,
} from './online-scoring-jobs.js';

/** `POST /api/2.0/loupe/scorers/backfill`: judge past traces of a window. */
export interface BackfillCommand {
  experimentId: string;
  name: string;
  /** Traces that started in [startTimeMs, endTimeMs] (epoch ms). */
  startTimeMs: number;
  endTimeMs: number;
}

/** `POST /api/2.0/loupe/scorers/run`: judge these traces now. */
export interface RunOnTracesCommand {
  experimentId: string;
  name: string;
  traceIds: readonly string[];
}

/** How far online scoring has come for one scorer (latest version). Times are epoch milliseconds. */
export interface OnlineScorerStatus {
  scorerId: string;
  name: string;
  version: number;
  sessionLevel: boolean;
  /** Why the latest version cannot run on the server. */
  onlineError?: string;
  lastJudgementMs?: number;
  /** The cursor of the scorer's lane: traces that ended up to this time have been examined. */
  examinedThroughMs?: number;
  cursorUpdatedMs?: number;
  jobs: { pending: number; running: number; failed: number };
  /** While sampling: traces after the cursor still to examine (those started in the last day). */
  unexaminedTraces?: number;
}

/** Where jobs go (the job runner: it wakes on new work). */
export interface JobQueue {
  enqueue(jobs: readonly NewJob[]): Promise<number>;
}

/** Most traces a backfill reads (and most trace ids of a run). */
const MAX_BACKFILL_TRACES = 100_000;
const PAGE = 1000;
/** How far back the unexamined-trace count looks for trace starts (bounds the count by the time index). */
const UNEXAMINED_LOOKBACK_MS = 86_400_000;

/**
 * Judgements asked for by people (docs/api.md, Loupe's scorer routes): a backfill of a window of
 * past traces with the scorer's sampling (its online config's rate and filter; every trace when it
 * has none), and a run on chosen traces. Both enqueue the jobs the online scheduler enqueues, so the
 * same handler, retries and idempotency apply; a backfill repeated (or overlapping the online
 * scorer) judges no trace twice for one scorer version. Also the read side of the jobs, and each
 * scorer's progress (the monitoring page's status).
 *
 * @example
 * const { jobs } = await onlineScoring.backfill({ experimentId: '1', name: 'judge', startTimeMs: 0, endTimeMs: Date.now() });
 */
export class OnlineScoringService {
  constructor(
    private readonly deps: {
      scorers: ScorerService;
      traces: TraceStore;
      queue: JobQueue;
      jobStore: JobStore;
      progress: Pick<OnlineScoringStore, 'progress'>;
      newRequestId: () => string;
      maxAttempts: number;
    },
  ) {}

  private async judgeOf(experimentId: string, name: string): Promise<{ scorerId: string; version: number; judge: OnlineJudgeDefinition }> {
    const scorer = await this.deps.scorers.get(experimentId, name);
    try {
      return { scorerId: scorer.scorerId, version: scorer.version, judge: onlineJudgeDefinition(name, scorer.serializedScorer) };
    } catch (err) {
      if (err instanceof UnsupportedOnlineJudge) throw ApiError.invalid(err.message);
      throw err;
    }
  }

  private async enqueue(jobs: NewJob[]): Promise<number> {
    let added = 0;
    for (let i = 0; i < jobs.length; i += 500) added += await this.deps.queue.enqueue(jobs.slice(i, i + 500));
    return added;
  }

  /** Enqueues the judgements of a window; returns the traces that matched and the jobs added. */
  async backfill(command: BackfillCommand): Promise<{ traces: number; jobs: number }> {
    if (!(command.endTimeMs >= command.startTimeMs)) throw ApiError.invalid('end_time_ms must not be before start_time_ms.');
    const { scorerId, version, judge } = await this.judgeOf(command.experimentId, command.name);
    const [config] = await this.deps.scorers.onlineConfigs([scorerId]);
    const rate = config && config.sampleRate > 0 ? config.sampleRate : 1;
    const filter = [
      ...scorerFilter(config?.filterString),
      NOT_EVALUATION,
      FINISHED,
      numberClause('timestamp_ms', '>=', command.startTimeMs),
      numberClause('timestamp_ms', '<=', command.endTimeMs),
    ];
    const matched: TraceRecord[] = [];
    let after: unknown[] | undefined;
    do {
      const page = await this.deps.traces.searchTraces({
        experimentIds: [command.experimentId],
        filter,
        orderBy: [{ entity: 'attribute', key: 'timestamp_ms', ascending: true }],
        page: { limit: PAGE, ...(after ? { after } : {}) },
      });
      matched.push(...page.items);
      after = page.hasMore ? page.next : undefined;
    } while (after && matched.length < MAX_BACKFILL_TRACES);
    const base = { experimentId: command.experimentId, scorerId, scorerName: command.name, version };
    const payloads: OnlineScoringJobPayload[] = [];
    if (judge.sessionLevel) {
      // One judgement per session, on its last trace in the window.
      const last = new Map<string, TraceRecord>();
      for (const t of matched) {
        const session = t.metadata[TraceMetadataKey.SESSION];
        const seen = session ? last.get(session) : undefined;
        if (session && (!seen || endTimeOf(t) >= endTimeOf(seen))) last.set(session, t);
      }
      for (const [sessionId, t] of last) if (isSampled(sessionId, scorerId, rate)) payloads.push({ ...base, traceId: t.traceId, sessionId });
    } else {
      for (const t of matched) if (isSampled(t.traceId, scorerId, rate)) payloads.push({ ...base, traceId: t.traceId });
    }
    const jobs = await this.enqueue(payloads.map((p) => judgementJob(p, this.deps.maxAttempts, true)));
    return { traces: matched.length, jobs };
  }

  /**
   * Enqueues a judgement of each trace (of the experiment) by the scorer's latest version, sampled
   * or not, as a new request: a trace judged before is judged again.
   */
  async runOnTraces(command: RunOnTracesCommand): Promise<{ jobs: number; requestId: string }> {
    if (command.traceIds.length === 0) throw ApiError.invalid('trace_ids must name at least one trace.');
    if (command.traceIds.length > 1000) throw ApiError.invalid(`trace_ids may name at most 1000 traces, got ${command.traceIds.length}.`);
    const { scorerId, version, judge } = await this.judgeOf(command.experimentId, command.name);
    const traces = await this.deps.traces.getTraces([...new Set(command.traceIds)]);
    const missing = command.traceIds.filter((id) => !traces.some((t) => t.traceId === id && t.experimentId === command.experimentId));
    if (missing.length > 0) throw ApiError.notFound(`Traces not found in experiment ${command.experimentId}: ${missing.join(', ')}`);
    const requestId = this.deps.newRequestId();
    const jobs = traces.map((t) => {
      const p: OnlineScoringJobPayload = { experimentId: command.experimentId, traceId: t.traceId, scorerId, scorerName: command.name, version, requestId };
      const session = t.metadata[TraceMetadataKey.SESSION];
      if (judge.sessionLevel && session) p.sessionId = session;
      return judgementJob(p, this.deps.maxAttempts, true);
    });
    return { jobs: await this.enqueue(jobs), requestId };
  }

  /**
   * Every scorer of the experiment with its progress: newest judgement, the scheduler's cursor, its
   * queued and failed jobs, and (while it samples) how many traces the scheduler has yet to examine.
   */
  async status(experimentId: string): Promise<OnlineScorerStatus[]> {
    const scorers = await this.deps.scorers.list({ experimentId, experimentIds: [], keys: [] });
    const configs = new Map((await this.deps.scorers.onlineConfigs(scorers.map((s) => s.scorerId))).map((c) => [c.scorerId, c]));
    const out: OnlineScorerStatus[] = [];
    for (const scorer of scorers) {
      let sessionLevel = false;
      let onlineError: string | undefined;
      try {
        sessionLevel = onlineJudgeDefinition(scorer.name, scorer.serializedScorer).sessionLevel;
      } catch (err) {
        if (!(err instanceof UnsupportedOnlineJudge)) throw err;
        onlineError = err.message;
      }
      const lane: OnlineScoringLane = sessionLevel ? 'session' : 'trace';
      const progress = await this.deps.progress.progress({ scorerId: scorer.scorerId, experimentId, name: scorer.name, jobKind: ONLINE_SCORING_JOB });
      const cursor = progress.cursors.find((c) => c.lane === lane);
      const status: OnlineScorerStatus = { scorerId: scorer.scorerId, name: scorer.name, version: scorer.version, sessionLevel, jobs: progress.jobs };
      if (onlineError !== undefined) status.onlineError = onlineError;
      if (progress.lastJudgementMs !== undefined) status.lastJudgementMs = progress.lastJudgementMs;
      const through = typeof cursor?.position[0] === 'number' ? cursor.position[0] : undefined;
      if (cursor && through !== undefined) {
        status.examinedThroughMs = through;
        status.cursorUpdatedMs = cursor.updatedAt;
        const config = configs.get(scorer.scorerId);
        if (config && config.sampleRate > 0 && onlineError === undefined) {
          status.unexaminedTraces = await this.countAfter(experimentId, through, config.filterString, sessionLevel);
        }
      }
      out.push(status);
    }
    return out;
  }

  /** Finished traces the scheduler would look at that ended after `endMs` (started within a day of it). */
  private async countAfter(experimentId: string, endMs: number, filterString: string | undefined, sessionLevel: boolean): Promise<number> {
    const filter = [...scorerFilter(filterString), NOT_EVALUATION, FINISHED, numberClause('end_time_ms', '>', endMs)];
    if (sessionLevel) filter.push({ entity: 'metadata', key: TraceMetadataKey.SESSION, op: 'IS NOT NULL', value: { kind: 'none' } });
    const { points } = await this.deps.traces.queryTraceMetrics({
      experimentIds: [experimentId],
      view: 'TRACES',
      metric: 'trace_count',
      aggregations: [{ type: 'COUNT', label: 'COUNT' }],
      dimensions: [],
      filters: [],
      traceFilter: filter,
      range: { startMs: endMs - UNEXAMINED_LOOKBACK_MS },
      page: { offset: 0, limit: 1 },
    });
    return Number(points[0]?.values.COUNT ?? 0);
  }

  /** A job by id (the jobs API); RESOURCE_DOES_NOT_EXIST when there is none (purged, or a scheduler's job that succeeded). */
  async getJob(id: string): Promise<JobRecord> {
    const job = /^\d{1,15}$/.test(id) ? await this.deps.jobStore.get(id) : undefined;
    if (!job) throw ApiError.notFound(`Job with ID ${id} not found`);
    return job;
  }

  /** Jobs by kind and status, oldest first. */
  searchJobs(query: { kinds: readonly string[]; statuses: readonly JobRecord['status'][]; limit: number }): Promise<JobRecord[]> {
    return this.deps.jobStore.search(query);
  }
}
