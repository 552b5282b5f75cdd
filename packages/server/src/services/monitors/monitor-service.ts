import { ApiError, assessmentNameProblem, breaches, type MonitorState } from '@loupe/protocol';
import type { Clock } from '../../clock.js';
import type { MonitorEventRecord, MonitorPatch, MonitorRecord, MonitorRule, MonitorStore, MonitorWebhookEvent } from '../../store/monitor-store.js';
import type { ExperimentService } from '../experiment-service.js';
import { nextPageToken, pageRequest } from '../pagination.js';
import { measureMonitor, type Measurement, type TraceMetricsSource } from './monitor-measure.js';

/** A new monitor's settings, checked at the edge. */
export interface NewMonitor extends MonitorRule {
  experimentId: string;
  name: string;
  description?: string;
  enabled: boolean;
}

/** What an update changes (absent: unchanged; `''` clears the description, filter or assessment name). */
export type MonitorChanges = Partial<Omit<NewMonitor, 'experimentId'>>;

/** What one evaluation did. */
export type EvaluationOutcome =
  /** Recorded; `change` when the state changed. */
  | { outcome: 'recorded'; state: MonitorState; change?: MonitorEventRecord }
  /** Another evaluation (or a settings change) recorded first: nothing written. */
  | { outcome: 'superseded' }
  /** The monitor is gone. */
  | { outcome: 'missing' };

/** The state a measurement puts a monitor in: too few samples is NO_DATA (a count always has data). */
export function stateOf(rule: MonitorRule, m: Measurement): MonitorState {
  if (m.value === undefined) return 'NO_DATA';
  if (rule.metric !== 'trace_count' && m.samples < rule.minSamples) return 'NO_DATA';
  return breaches(m.value, rule.comparator, rule.threshold) ? 'ALERT' : 'OK';
}

/**
 * The webhook event of a state change: `monitor.alerted` on entering ALERT, `monitor.resolved` on
 * leaving it (to OK, or to NO_DATA when the traces stop), none otherwise. `data` is documented in
 * docs/api.md "Monitors".
 *
 * @example
 * monitorWebhookEvent(monitor, 'OK', 'ALERT', { value: 0.3, samples: 20 }, now); // { entity: 'monitor', action: 'alerted', ... }
 */
export function monitorWebhookEvent(
  m: MonitorRecord,
  from: MonitorState,
  to: MonitorState,
  measured: Measurement,
  at: number,
): MonitorWebhookEvent | undefined {
  const action = to === 'ALERT' && from !== 'ALERT' ? 'alerted' : from === 'ALERT' && to !== 'ALERT' ? 'resolved' : undefined;
  if (!action) return undefined;
  return {
    entity: 'monitor',
    action,
    data: {
      monitor_id: m.monitorId,
      experiment_id: m.experimentId,
      name: m.name,
      metric: m.metric,
      comparator: m.comparator,
      threshold: m.threshold,
      window_ms: m.windowMs,
      filter_string: m.filterString ?? null,
      assessment_name: m.assessmentName ?? null,
      from_state: from,
      to_state: to,
      value: measured.value ?? null,
      sample_count: measured.samples,
      evaluated_at: at,
    },
  };
}

/** What the monitor service is built from. */
export interface MonitorServiceDeps {
  store: MonitorStore;
  experiments: ExperimentService;
  traces: TraceMetricsSource;
  clock: Clock;
  newId(): string;
  /** Called after an evaluation committed a webhook event (wakes the webhook dispatcher). */
  onWebhookEvents?: () => void;
}

/**
 * Production monitors (docs/api.md "Monitors"): CRUD, and evaluation, which measures the monitor's
 * metric over its window with QueryTraceMetrics and records the state it puts the monitor in. The
 * record is conditional on the version read before measuring, so when two evaluations (two servers, or
 * a job and "evaluate now") overlap, one records, and a state change is written and fired once.
 *
 * @example
 * const monitors = new MonitorService({ store, experiments, traces, clock, newId: randomUUID });
 * await monitors.evaluate(monitorId);
 */
export class MonitorService {
  constructor(private readonly deps: MonitorServiceDeps) {}

  async create(input: NewMonitor): Promise<MonitorRecord> {
    await this.deps.experiments.get(input.experimentId);
    const now = this.deps.clock.now();
    const record: MonitorRecord = {
      ...input,
      monitorId: this.deps.newId(),
      state: 'NO_DATA',
      nextEvaluationAt: now,
      version: 0,
      creationTimestamp: now,
      lastUpdatedTimestamp: now,
    };
    if ((await this.deps.store.create(record)) === 'taken') throw nameTaken(input.name, input.experimentId);
    return record;
  }

  async get(monitorId: string): Promise<MonitorRecord> {
    const m = await this.deps.store.get(monitorId);
    if (!m) throw ApiError.notFound(`Monitor with id '${monitorId}' not found.`);
    return m;
  }

  async list(experimentId: string, maxResults: number, pageToken?: string): Promise<{ monitors: MonitorRecord[]; nextPageToken?: string }> {
    await this.deps.experiments.get(experimentId);
    const page = pageRequest(pageToken, maxResults);
    const { items, hasMore } = await this.deps.store.list(experimentId, page);
    const next = nextPageToken(page, hasMore);
    return { monitors: items, ...(next ? { nextPageToken: next } : {}) };
  }

  /** A changed rule (or re-enabling) makes the monitor due now; the state stays until that evaluation. */
  async update(monitorId: string, changes: MonitorChanges): Promise<MonitorRecord> {
    const current = await this.get(monitorId);
    const metric = changes.metric ?? current.metric;
    const assessment = changes.assessmentName === undefined ? current.assessmentName : changes.assessmentName || undefined;
    const problem = assessmentNameProblem(metric, assessment);
    if (problem) throw ApiError.invalid(problem);
    const now = this.deps.clock.now();
    const patch: MonitorPatch = { lastUpdatedTimestamp: now };
    for (const key of ['name', 'metric', 'comparator', 'threshold', 'windowMs', 'intervalMs', 'minSamples', 'enabled'] as const) {
      if (changes[key] !== undefined) Object.assign(patch, { [key]: changes[key] });
    }
    if (changes.description !== undefined) patch.description = changes.description || null;
    if (changes.assessmentName !== undefined) patch.assessmentName = changes.assessmentName || null;
    if (changes.filterString !== undefined) patch.filterString = changes.filterString || null;
    const ruleChanged = (['metric', 'assessmentName', 'filterString', 'comparator', 'threshold', 'windowMs', 'minSamples'] as const).some(
      (k) => changes[k] !== undefined,
    );
    if (ruleChanged || changes.enabled === true) patch.nextEvaluationAt = now;
    const updated = await this.deps.store.update(monitorId, patch);
    if (updated === 'taken') throw nameTaken(changes.name ?? current.name, current.experimentId);
    if (!updated) throw ApiError.notFound(`Monitor with id '${monitorId}' not found.`);
    return updated;
  }

  async delete(monitorId: string): Promise<void> {
    if (!(await this.deps.store.delete(monitorId))) throw ApiError.notFound(`Monitor with id '${monitorId}' not found.`);
  }

  async events(monitorId: string, maxResults: number, pageToken?: string): Promise<{ events: MonitorEventRecord[]; nextPageToken?: string }> {
    await this.get(monitorId);
    const after = pageToken === undefined ? undefined : eventCursor(pageToken);
    const page = await this.deps.store.listEvents(monitorId, maxResults, after);
    const last = page.items.at(-1);
    const next = page.hasMore && last ? Buffer.from(JSON.stringify({ t: last.createdAt, id: last.eventId })).toString('base64url') : undefined;
    return { events: page.items, ...(next ? { nextPageToken: next } : {}) };
  }

  /** "Evaluate now": one evaluation at this moment, whatever the schedule; the monitor as it stands after. */
  async evaluateNow(monitorId: string): Promise<MonitorRecord> {
    const outcome = await this.evaluate(monitorId);
    if (outcome.outcome === 'missing') throw ApiError.notFound(`Monitor with id '${monitorId}' not found.`);
    return this.get(monitorId);
  }

  /**
   * Measures the monitor now and records the outcome over the version read first: the state, its last
   * value and, on a change, a history row and its webhook event, in one transaction.
   */
  async evaluate(monitorId: string): Promise<EvaluationOutcome> {
    const m = await this.deps.store.get(monitorId);
    if (!m) return { outcome: 'missing' };
    const now = this.deps.clock.now();
    const measured = await measureMonitor(this.deps.traces, m.experimentId, m, now);
    const state = stateOf(m, measured);
    const change: MonitorEventRecord | undefined =
      state === m.state
        ? undefined
        : {
            eventId: this.deps.newId(),
            monitorId,
            fromState: m.state,
            toState: state,
            ...(measured.value !== undefined ? { value: measured.value } : {}),
            sampleCount: measured.samples,
            threshold: m.threshold,
            comparator: m.comparator,
            createdAt: now,
          };
    const webhook = change && monitorWebhookEvent(m, m.state, state, measured, now);
    const recorded = await this.deps.store.recordEvaluation({
      monitorId,
      expectedVersion: m.version,
      state,
      ...(measured.value !== undefined ? { value: measured.value } : {}),
      sampleCount: measured.samples,
      evaluatedAt: now,
      ...(change ? { change: { event: change, ...(webhook ? { webhook } : {}) } } : {}),
    });
    if (!recorded) return { outcome: 'superseded' };
    if (webhook) this.deps.onWebhookEvents?.();
    return { outcome: 'recorded', state, ...(change ? { change } : {}) };
  }
}

function nameTaken(name: string, experimentId: string): ApiError {
  return ApiError.alreadyExists(`A monitor named '${name}' already exists in experiment ${experimentId}.`);
}

function eventCursor(token: string): { createdAt: number; eventId: string } {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { t?: unknown; id?: unknown };
    if (typeof c.t === 'number' && Number.isSafeInteger(c.t) && typeof c.id === 'string') return { createdAt: c.t, eventId: c.id };
  } catch {
    // fall through
  }
  throw ApiError.invalid(`Invalid page_token '${token.slice(0, 100)}'.`);
}
