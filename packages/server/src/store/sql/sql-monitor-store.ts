import type { MonitorComparator, MonitorMetric, MonitorState } from '@loupe/protocol';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { NewJob } from '../job-store.js';
import type { MonitorEvaluation, MonitorEventCursor, MonitorEventRecord, MonitorPatch, MonitorRecord, MonitorStore } from '../monitor-store.js';
import type { Page, PageRequest } from '../tracking-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import { insertJobs } from './job-rows.js';
import type { MonitorEventsTable, MonitorsTable } from './monitor-schema.js';
import type { Database } from './schema.js';
import { toDbId } from './sql-ids.js';

function toMonitor(row: Selectable<MonitorsTable>): MonitorRecord {
  const m: MonitorRecord = {
    monitorId: row.monitor_id,
    experimentId: String(row.experiment_id),
    name: row.name,
    metric: row.metric as MonitorMetric,
    comparator: row.comparator as MonitorComparator,
    threshold: Number(row.threshold),
    windowMs: Number(row.window_ms),
    intervalMs: Number(row.interval_ms),
    minSamples: Number(row.min_samples),
    enabled: Number(row.enabled) === 1,
    state: row.state as MonitorState,
    nextEvaluationAt: Number(row.next_evaluation_at),
    version: Number(row.version),
    creationTimestamp: Number(row.creation_timestamp),
    lastUpdatedTimestamp: Number(row.last_updated_timestamp),
  };
  if (row.description !== null) m.description = row.description;
  if (row.assessment_name !== null) m.assessmentName = row.assessment_name;
  if (row.filter_string !== null) m.filterString = row.filter_string;
  if (row.last_value !== null) m.lastValue = Number(row.last_value);
  if (row.last_sample_count !== null) m.lastSampleCount = Number(row.last_sample_count);
  if (row.last_evaluated_at !== null) m.lastEvaluatedAt = Number(row.last_evaluated_at);
  if (row.state_changed_at !== null) m.stateChangedAt = Number(row.state_changed_at);
  return m;
}

function monitorRow(m: MonitorRecord): Selectable<MonitorsTable> {
  return {
    monitor_id: m.monitorId,
    experiment_id: Number(m.experimentId),
    name: m.name,
    description: m.description ?? null,
    metric: m.metric,
    assessment_name: m.assessmentName ?? null,
    filter_string: m.filterString ?? null,
    comparator: m.comparator,
    threshold: m.threshold,
    window_ms: m.windowMs,
    interval_ms: m.intervalMs,
    min_samples: m.minSamples,
    enabled: m.enabled ? 1 : 0,
    state: m.state,
    last_value: m.lastValue ?? null,
    last_sample_count: m.lastSampleCount ?? null,
    last_evaluated_at: m.lastEvaluatedAt ?? null,
    state_changed_at: m.stateChangedAt ?? null,
    next_evaluation_at: m.nextEvaluationAt,
    version: m.version,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
  };
}

function toEvent(row: Selectable<MonitorEventsTable>): MonitorEventRecord {
  const e: MonitorEventRecord = {
    eventId: row.event_id,
    monitorId: row.monitor_id,
    fromState: row.from_state as MonitorState,
    toState: row.to_state as MonitorState,
    sampleCount: Number(row.sample_count),
    threshold: Number(row.threshold),
    comparator: row.comparator as MonitorComparator,
    createdAt: Number(row.created_at),
  };
  if (row.value !== null) e.value = Number(row.value);
  return e;
}

function paged<T>(rows: T[], limit: number): Page<T> {
  return { items: rows.slice(0, limit), hasMore: rows.length > limit };
}

/**
 * Monitors on SQLite or PostgreSQL (migration 0019). Scheduling and recording are compare-and-set
 * writes (on `next_evaluation_at` and `version`) inside the dialect's write transaction, so servers
 * sharing a database never queue one due evaluation twice nor record one state change twice; a state
 * change's history row and webhook event (`registry_events`, fanned out by the webhook dispatcher) are
 * written in the same transaction as the change.
 *
 * @example
 * const monitors = new SqlMonitorStore(db, dialect);
 * await monitors.enqueueDue(Date.now(), 100, (m) => ({ kind: 'monitor.evaluate', payload: { monitor_id: m.monitorId } }));
 */
export class SqlMonitorStore implements MonitorStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async create(record: MonitorRecord): Promise<'created' | 'taken'> {
    try {
      await this.db.insertInto('monitors').values(monitorRow(record)).execute();
      return 'created';
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
  }

  async get(monitorId: string): Promise<MonitorRecord | undefined> {
    const row = await this.db.selectFrom('monitors').selectAll().where('monitor_id', '=', monitorId).executeTakeFirst();
    return row && toMonitor(row);
  }

  async list(experimentId: string, page: PageRequest): Promise<Page<MonitorRecord>> {
    const key = toDbId(experimentId);
    if (key === undefined) return { items: [], hasMore: false };
    const rows = await this.db
      .selectFrom('monitors')
      .selectAll()
      .where('experiment_id', '=', key)
      .orderBy('creation_timestamp')
      .orderBy('monitor_id')
      .limit(page.limit + 1)
      .offset(page.offset)
      .execute();
    return paged(rows.map(toMonitor), page.limit);
  }

  async update(monitorId: string, patch: MonitorPatch): Promise<MonitorRecord | 'taken' | undefined> {
    const set: Updateable<MonitorsTable> = { last_updated_timestamp: patch.lastUpdatedTimestamp };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.metric !== undefined) set.metric = patch.metric;
    if (patch.assessmentName !== undefined) set.assessment_name = patch.assessmentName;
    if (patch.filterString !== undefined) set.filter_string = patch.filterString;
    if (patch.comparator !== undefined) set.comparator = patch.comparator;
    if (patch.threshold !== undefined) set.threshold = patch.threshold;
    if (patch.windowMs !== undefined) set.window_ms = patch.windowMs;
    if (patch.intervalMs !== undefined) set.interval_ms = patch.intervalMs;
    if (patch.minSamples !== undefined) set.min_samples = patch.minSamples;
    if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
    if (patch.nextEvaluationAt !== undefined) set.next_evaluation_at = patch.nextEvaluationAt;
    try {
      const result = await this.db
        .updateTable('monitors')
        .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
        .where('monitor_id', '=', monitorId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return 'taken';
      throw err;
    }
    return this.get(monitorId);
  }

  async delete(monitorId: string): Promise<boolean> {
    return this.dialect.locking.writeTransaction(this.db, async (tx) => {
      await tx.deleteFrom('monitor_events').where('monitor_id', '=', monitorId).execute();
      const result = await tx.deleteFrom('monitors').where('monitor_id', '=', monitorId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  enqueueDue(now: number, limit: number, job: (monitor: MonitorRecord) => NewJob): Promise<number> {
    const { locking } = this.dialect;
    return locking.writeTransaction(this.db, async (tx) => {
      const due = await tx
        .selectFrom('monitors')
        .selectAll()
        .where('enabled', '=', 1)
        .where('next_evaluation_at', '<=', now)
        .orderBy('next_evaluation_at')
        .orderBy('monitor_id')
        .limit(limit)
        .modifyEnd(locking.forUpdateSkipLocked)
        .execute();
      const jobs: NewJob[] = [];
      for (const row of due) {
        // Compare-and-set: a server that read the same due time first has moved it, and this one passes.
        const moved = await tx
          .updateTable('monitors')
          .set({ next_evaluation_at: now + Number(row.interval_ms) })
          .where('monitor_id', '=', row.monitor_id)
          .where('next_evaluation_at', '=', row.next_evaluation_at)
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) === 1) jobs.push(job(toMonitor(row)));
      }
      await insertJobs(tx, jobs, now);
      return jobs.length;
    });
  }

  recordEvaluation(e: MonitorEvaluation): Promise<boolean> {
    return this.dialect.locking.writeTransaction(this.db, async (tx) => {
      const result = await tx
        .updateTable('monitors')
        .set({
          state: e.state,
          last_value: e.value ?? null,
          last_sample_count: e.sampleCount,
          last_evaluated_at: e.evaluatedAt,
          version: e.expectedVersion + 1,
          ...(e.change ? { state_changed_at: e.evaluatedAt } : {}),
        })
        .where('monitor_id', '=', e.monitorId)
        .where('version', '=', e.expectedVersion)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      if (e.change) {
        const ev = e.change.event;
        await tx
          .insertInto('monitor_events')
          .values({
            event_id: ev.eventId,
            monitor_id: ev.monitorId,
            from_state: ev.fromState,
            to_state: ev.toState,
            value: ev.value ?? null,
            sample_count: ev.sampleCount,
            threshold: ev.threshold,
            comparator: ev.comparator,
            created_at: ev.createdAt,
          })
          .execute();
        const hook = e.change.webhook;
        if (hook) {
          await tx
            .insertInto('registry_events')
            .values({ entity: hook.entity, action: hook.action, payload: JSON.stringify(hook.data), created_at: e.evaluatedAt })
            .execute();
        }
      }
      return true;
    });
  }

  async listEvents(monitorId: string, limit: number, after?: MonitorEventCursor): Promise<Page<MonitorEventRecord>> {
    let q = this.db.selectFrom('monitor_events').selectAll().where('monitor_id', '=', monitorId);
    if (after) {
      q = q.where((eb) =>
        eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('event_id', '<', after.eventId)])]),
      );
    }
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('event_id', 'desc')
      .limit(limit + 1)
      .execute();
    return paged(rows.map(toEvent), limit);
  }
}
