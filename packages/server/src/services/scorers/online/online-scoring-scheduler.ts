import { TraceMetadataKey } from '@loupe/protocol/attributes';
import type { Clock, Timer } from '../../../clock.js';
import type { NewJob } from '../../../store/job-store.js';
import { alwaysRun, type ExclusiveWork } from '../../../store/exclusive-work.js';
import type { OnlineScoringLane, OnlineScoringStore, ScanPosition } from '../../../store/online-scoring-store.js';
import type { EndedTrace, TraceStore } from '../../../store/trace-store.js';
import type { ActiveOnlineScorer } from '../scorer-service.js';
import { onlineJudgeDefinition } from './online-judge-definition.js';
import {
  FINISHED,
  isSampled,
  judgementJob,
  metadataEquals,
  NOT_EVALUATION,
  numberClause,
  scorerFilter,
  type OnlineScoringJobPayload,
} from './online-scoring-jobs.js';

/** How the scheduler paces and bounds its passes. */
export interface OnlineScoringSchedulerOptions {
  /** Milliseconds between passes. */
  intervalMs: number;
  /**
   * A trace is looked at once it ended this long ago: spans and the final info of a trace arrive a
   * little after it ends (client batching), and a late trace must not fall behind the cursor.
   */
  settleMs: number;
  /** A session is scored once its last trace ended this long ago with no newer trace. */
  sessionIdleMs: number;
  /** Traces read per page of a scan. */
  batchSize: number;
  /** Pages per scorer and pass, so one busy scorer cannot hold a pass up for long. */
  maxPagesPerPass: number;
  /** Attempts of each judgement job. */
  maxAttempts: number;
  /** Keeps passes to one server at a time on a shared database (default: every pass runs). */
  exclusive?: ExclusiveWork;
}

/** The scheduler's view of the registry: which scorers run online now. */
export interface ActiveOnlineScorers {
  listActiveOnlineScorers(): Promise<ActiveOnlineScorer[]>;
}

/** A scan's position: the last trace handed out, as `[end, start, id]` (its order). */
const positionOf = (t: EndedTrace): [number, number, string] => [t.endTimeMs, t.requestTimeMs, t.traceId];

/** A cursor as stored (JSON), read back as a scan position. */
function scanPosition(p: ScanPosition): [number, number, string] {
  return [Number(p[0] ?? 0), Number(p[1] ?? 0), String(p[2] ?? '')];
}

/**
 * Online scoring's scheduler (spec §11.1; MLflow runs it every minute in its job consumer): on every
 * pass, for each scorer sampling above zero, it reads the traces of the scorer's experiment that
 * ended since the scorer's cursor (finished, not from an evaluation run, matching the scorer's
 * filter), keeps those in the scorer's deterministic sample, and enqueues one judgement job per
 * (trace, scorer, version), moving the cursor in the same transaction. Session judges wait until a
 * session has been idle for `sessionIdleMs` and judge it once, on its last trace. A scorer's first
 * pass starts its cursor at that moment (older traces are for a backfill). Several servers may run
 * it: one at a time scans (`exclusive`, the others skip their pass), and should two passes overlap
 * anyway (a lock lost with its connection) the cursor moves only from the value a server read, so one
 * of them enqueues each stretch, and job dedupe keys cover the rest.
 *
 * @example
 * const scheduler = new OnlineScoringScheduler(scorers, traceStore, onlineStore, (jobs) => jobs.wake(), clock, options);
 * scheduler.start();
 */
export class OnlineScoringScheduler {
  private timer: Timer | undefined;
  private pass: Promise<void> | undefined;
  private readonly reported = new Set<string>();

  constructor(
    private readonly scorers: ActiveOnlineScorers,
    private readonly traces: TraceStore,
    private readonly store: OnlineScoringStore,
    /** Called when a pass enqueued jobs (wakes this server's runner). */
    private readonly onEnqueued: () => void,
    private readonly clock: Clock,
    private readonly options: OnlineScoringSchedulerOptions,
    private readonly onError: (err: unknown) => void = (err) => console.error('Loupe online scoring:', err),
  ) {}

  /** Runs a pass every `intervalMs` until stopped. */
  start(): void {
    if (this.timer || this.options.intervalMs <= 0) return;
    this.timer = this.clock.setInterval(() => {
      if (!this.pass)
        this.pass = this.runOnce()
          .then(
            () => undefined,
            (err: unknown) => this.onError(err),
          )
          .finally(() => (this.pass = undefined));
    }, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    await this.pass;
  }

  /**
   * One pass over every active scorer; returns how many jobs it enqueued (0 when another server was
   * running a pass). Errors of one scorer are reported, not thrown.
   */
  async runOnce(): Promise<number> {
    const outcome = await (this.options.exclusive ?? alwaysRun).tryRun('online-scoring-scan', () => this.scanAll());
    return outcome.ran ? outcome.value : 0;
  }

  private async scanAll(): Promise<number> {
    let enqueued = 0;
    for (const scorer of await this.scorers.listActiveOnlineScorers()) {
      try {
        let sessionLevel: boolean;
        try {
          sessionLevel = onlineJudgeDefinition(scorer.scorerName, scorer.serializedScorer).sessionLevel;
        } catch (err) {
          this.reportOnce(`${scorer.scorerId}/${scorer.version}`, err);
          continue;
        }
        enqueued += sessionLevel ? await this.scan(scorer, 'session') : await this.scan(scorer, 'trace');
      } catch (err) {
        this.onError(err);
      }
    }
    if (enqueued > 0) this.onEnqueued();
    return enqueued;
  }

  private reportOnce(key: string, err: unknown): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.onError(err);
  }

  /** Pages through the lane's traces after its cursor, enqueuing and moving the cursor page by page. */
  private async scan(scorer: ActiveOnlineScorer, lane: OnlineScoringLane): Promise<number> {
    const now = this.clock.now();
    const horizon = now - (lane === 'trace' ? this.options.settleMs : this.options.sessionIdleMs);
    let cursor = await this.store.getCursor(scorer.scorerId, lane);
    if (cursor === undefined) {
      // First sight of this scorer: score what ends from now on.
      const start: ScanPosition = [horizon, 0, ''];
      if (!(await this.store.advance(scorer.scorerId, lane, undefined, start, [], now))) return 0;
      cursor = start;
    }
    const filter = [...scorerFilter(scorer.filterString), NOT_EVALUATION, FINISHED];
    if (lane === 'session') filter.push({ entity: 'metadata', key: TraceMetadataKey.SESSION, op: 'IS NOT NULL', value: { kind: 'none' } });
    let enqueued = 0;
    for (let page = 0; page < this.options.maxPagesPerPass; page++) {
      // Ids and times only: most traces fall outside a low sample, so none is loaded whole.
      const found = await this.traces.scanEndedTraces({
        experimentId: scorer.experimentId,
        filter,
        endedBy: horizon,
        after: scanPosition(cursor),
        limit: this.options.batchSize,
        ...(lane === 'session' ? { sessionKey: TraceMetadataKey.SESSION } : {}),
      });
      const last = found.items.at(-1);
      if (!last) break;
      const jobs = lane === 'trace' ? this.traceJobs(scorer, found.items) : await this.sessionJobs(scorer, found.items);
      const next = positionOf(last);
      if (!(await this.store.advance(scorer.scorerId, lane, cursor, next, jobs, this.clock.now()))) break; // another server moved it
      enqueued += jobs.length;
      cursor = next;
      if (!found.hasMore) break;
    }
    return enqueued;
  }

  private payload(scorer: ActiveOnlineScorer, traceId: string, sessionId?: string): OnlineScoringJobPayload {
    const p: OnlineScoringJobPayload = {
      experimentId: scorer.experimentId,
      traceId,
      scorerId: scorer.scorerId,
      scorerName: scorer.scorerName,
      version: scorer.version,
    };
    if (sessionId !== undefined) p.sessionId = sessionId;
    return p;
  }

  private traceJobs(scorer: ActiveOnlineScorer, traces: readonly EndedTrace[]): NewJob[] {
    return traces
      .filter((t) => isSampled(t.traceId, scorer.scorerId, scorer.sampleRate))
      .map((t) => judgementJob(this.payload(scorer, t.traceId), this.options.maxAttempts));
  }

  /**
   * A trace whose session has no later trace the scorer would look at, and none still running, is
   * the session's last: the session went idle with it (the scan only reaches traces that ended
   * `sessionIdleMs` ago). Traces followed by a later one are passed over; that later one will be reached.
   */
  private async sessionJobs(scorer: ActiveOnlineScorer, traces: readonly EndedTrace[]): Promise<NewJob[]> {
    const jobs: NewJob[] = [];
    for (const t of traces) {
      const sessionId = t.sessionId;
      if (!sessionId || !isSampled(sessionId, scorer.scorerId, scorer.sampleRate)) continue;
      const session = metadataEquals(TraceMetadataKey.SESSION, sessionId);
      const later = await this.traces.searchTraces({
        experimentIds: [scorer.experimentId],
        filter: [...scorerFilter(scorer.filterString), NOT_EVALUATION, session, numberClause('end_time_ms', '>', t.endTimeMs)],
        orderBy: [],
        page: { limit: 1 },
      });
      if (later.items.length > 0) continue;
      const running = await this.traces.searchTraces({
        experimentIds: [scorer.experimentId],
        filter: [session, { entity: 'attribute', key: 'state', op: '=', value: { kind: 'string', value: 'IN_PROGRESS' } }],
        orderBy: [],
        page: { limit: 1 },
      });
      if (running.items.length > 0) continue;
      jobs.push(judgementJob(this.payload(scorer, t.traceId, sessionId), this.options.maxAttempts));
    }
    return jobs;
  }
}
