import { sql, type Kysely, type Transaction } from 'kysely';
import {
  ApiError,
  DATASET_CONTEXT_TAG,
  type Filter,
  type KeyValue,
  type LifecycleStage,
  type OrderBy,
  type RunFilterEntity,
  type RunStatus,
  RunTagKey,
  type ViewType,
} from '@loupe/protocol';
import { randomUUID } from 'node:crypto';
import type {
  DatasetInputRecord,
  DatasetSummaryRecord,
  MetricRecord,
  NewRun,
  Page,
  PageRequest,
  RunBatch,
  RunInfoRecord,
  RunMetricRecord,
  RunRecord,
  RunStore,
} from '../tracking-store.js';
import type { BulkColumnType, SqlDialect } from './dialects/sql-dialect.js';
import { toMetricRecord } from './metric-rows.js';
import { executeRunSearch } from './run-search-compiler.js';
import { hydrateRuns, toRunInfoRecord } from './run-hydration.js';
import type { Database, MetricsTable } from './schema.js';
import { dedupeLastWins } from './sql-experiment-store.js';
import { toDbId } from './sql-ids.js';
import { chunks } from './sql-batches.js';
import { translateInputErrors } from './translate-input-errors.js';

const METRIC_COLUMNS = [
  { name: 'run_uuid', type: 'text' },
  { name: 'key', type: 'text' },
  { name: 'value', type: 'double' },
  { name: 'timestamp', type: 'bigint' },
  { name: 'step', type: 'bigint' },
  { name: 'is_nan', type: 'integer' },
  { name: 'model_id', type: 'text' },
  { name: 'dataset_name', type: 'text' },
  { name: 'dataset_digest', type: 'text' },
] as const satisfies readonly { name: keyof MetricsTable; type: BulkColumnType }[];

/** (step, timestamp, value) ordering of MLflow's SQL store for "latest" metric values. */
function isLater(a: MetricRecord, b: MetricRecord): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

function metricRow(runId: string, m: MetricRecord): MetricsTable {
  const nan = Number.isNaN(m.value);
  return {
    run_uuid: runId,
    key: m.key,
    value: nan ? 0 : m.value,
    timestamp: m.timestamp,
    step: m.step,
    is_nan: nan ? 1 : 0,
    model_id: m.modelId ?? '',
    dataset_name: m.datasetName ?? '',
    dataset_digest: m.datasetDigest ?? '',
  };
}

/**
 * Runs, their data, inputs and outputs on SQLite or PostgreSQL.
 *
 * @example
 * const runs = new SqlRunStore(db, dialect);
 * await runs.logBatch(runId, { metrics: [{ key: 'loss', value: 0.1, timestamp: Date.now(), step: 0 }], params: [], tags: [] });
 */
export class SqlRunStore implements RunStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async createRun(input: NewRun): Promise<RunRecord> {
    const experimentId = toDbId(input.experimentId);
    if (experimentId === undefined) throw ApiError.notFound(`No Experiment with id=${input.experimentId} exists`);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('runs')
        .values({
          run_uuid: input.runId,
          experiment_id: experimentId,
          name: input.name,
          user_id: input.userId,
          status: 'RUNNING',
          start_time: input.startTime,
          end_time: null,
          lifecycle_stage: 'active',
          artifact_uri: input.artifactUri,
          deleted_time: null,
        })
        .execute();
      const tags = dedupeLastWins(input.tags);
      for (const part of chunks(tags)) {
        await tx
          .insertInto('tags')
          .values(part.map((t) => ({ run_uuid: input.runId, key: t.key, value: t.value })))
          .execute();
      }
    });
    const run = await this.getRun(input.runId);
    if (!run) throw new Error(`run ${input.runId} vanished after insert`);
    return run;
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = await this.db.selectFrom('runs').selectAll().where('run_uuid', '=', runId).executeTakeFirst();
    if (!row) return undefined;
    return (await hydrateRuns(this.db, [row]))[0];
  }

  async getRunInfo(runId: string): Promise<RunInfoRecord | undefined> {
    const row = await this.db.selectFrom('runs').selectAll().where('run_uuid', '=', runId).executeTakeFirst();
    return row ? toRunInfoRecord(row) : undefined;
  }

  async updateRunInfo(runId: string, patch: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfoRecord> {
    await this.db.transaction().execute(async (tx) => {
      const set: { status?: string; end_time?: number; name?: string } = {};
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.endTime !== undefined) set.end_time = patch.endTime;
      if (patch.runName !== undefined) set.name = patch.runName;
      if (Object.keys(set).length > 0) await tx.updateTable('runs').set(set).where('run_uuid', '=', runId).execute();
      if (patch.runName !== undefined) await this.upsertTags(tx, runId, [{ key: RunTagKey.RUN_NAME, value: patch.runName }]);
    });
    const info = await this.getRunInfo(runId);
    if (!info) throw ApiError.notFound(`Run with id=${runId} not found`);
    return info;
  }

  async setRunLifecycle(runId: string, stage: LifecycleStage, now: number): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null })
      .where('run_uuid', '=', runId)
      .execute();
  }

  async logBatch(runId: string, batch: RunBatch): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      if (batch.params.length > 0) await this.insertParams(tx, runId, batch.params);
      if (batch.tags.length > 0) await this.upsertTags(tx, runId, dedupeLastWins(batch.tags));
      if (batch.metrics.length > 0) await this.insertMetrics(tx, runId, batch.metrics);
    });
  }

  async deleteRunTag(runId: string, key: string): Promise<boolean> {
    const result = await this.db.deleteFrom('tags').where('run_uuid', '=', runId).where('key', '=', key).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async logInputs(runId: string, experimentId: string, datasets: DatasetInputRecord[], modelIds: string[]): Promise<void> {
    const expId = toDbId(experimentId);
    if (expId === undefined) throw ApiError.notFound(`No Experiment with id=${experimentId} exists`);
    await this.db.transaction().execute(async (tx) => {
      const existing = await tx
        .selectFrom('run_inputs')
        .select((eb) => eb.fn.max('position').as('pos'))
        .where('run_uuid', '=', runId)
        .executeTakeFirst();
      let position = Number(existing?.pos ?? -1) + 1;
      for (const input of datasets) {
        const d = input.dataset;
        await tx
          .insertInto('datasets')
          .values({
            dataset_uuid: randomUUID().replace(/-/g, ''),
            experiment_id: expId,
            name: d.name,
            digest: d.digest,
            source_type: d.sourceType,
            source: d.source,
            schema: d.schema ?? null,
            profile: d.profile ?? null,
          })
          .onConflict((oc) => oc.columns(['experiment_id', 'name', 'digest']).doNothing())
          .execute();
        const { dataset_uuid } = await tx
          .selectFrom('datasets')
          .select('dataset_uuid')
          .where('experiment_id', '=', expId)
          .where('name', '=', d.name)
          .where('digest', '=', d.digest)
          .executeTakeFirstOrThrow();
        const inserted = await tx
          .insertInto('run_inputs')
          .values({ run_uuid: runId, dataset_uuid, position })
          .onConflict((oc) => oc.columns(['run_uuid', 'dataset_uuid']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) position++;
        const tags = dedupeLastWins(input.tags);
        if (tags.length > 0) {
          await tx
            .insertInto('input_tags')
            .values(tags.map((t) => ({ run_uuid: runId, dataset_uuid, key: t.key, value: t.value })))
            .onConflict((oc) => oc.columns(['run_uuid', 'dataset_uuid', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
            .execute();
        }
      }
      const models = [...new Set(modelIds)];
      if (models.length > 0) {
        await tx
          .insertInto('run_model_inputs')
          .values(models.map((model_id) => ({ run_uuid: runId, model_id })))
          .onConflict((oc) => oc.columns(['run_uuid', 'model_id']).doNothing())
          .execute();
      }
    });
  }

  async logOutputs(runId: string, models: { modelId: string; step: number }[]): Promise<void> {
    const byModel = new Map(models.map((m) => [m.modelId, m.step]));
    if (byModel.size === 0) return;
    await this.db
      .insertInto('run_model_outputs')
      .values([...byModel].map(([model_id, step]) => ({ run_uuid: runId, model_id, step })))
      .onConflict((oc) => oc.columns(['run_uuid', 'model_id']).doUpdateSet((eb) => ({ step: eb.ref('excluded.step') })))
      .execute();
  }

  async getMetricHistory(runId: string, key: string, page?: PageRequest): Promise<Page<MetricRecord>> {
    let q = this.db
      .selectFrom('metrics')
      .selectAll()
      .where('run_uuid', '=', runId)
      .where('key', '=', key)
      .orderBy('timestamp')
      .orderBy('step')
      .orderBy('value');
    if (page) q = q.limit(page.limit + 1).offset(page.offset);
    const rows = await q.execute();
    const hasMore = page !== undefined && rows.length > page.limit;
    const items = (page ? rows.slice(0, page.limit) : rows).map(toMetricRecord);
    return { items, hasMore };
  }

  async getMetricHistories(runIds: string[], key: string, range?: { startStep: number; endStep: number }): Promise<RunMetricRecord[]> {
    if (runIds.length === 0) return [];
    let q = this.db.selectFrom('metrics').selectAll().where('run_uuid', 'in', runIds).where('key', '=', key);
    if (range) q = q.where('step', '>=', range.startStep).where('step', '<=', range.endStep);
    const rows = await q.orderBy('run_uuid').orderBy('timestamp').orderBy('step').orderBy('value').execute();
    return rows.map((r) => ({ ...toMetricRecord(r), runId: r.run_uuid }));
  }

  async searchRuns(query: {
    experimentIds: string[];
    viewType: ViewType;
    filter: Filter<RunFilterEntity>;
    orderBy: OrderBy<RunFilterEntity>[];
    page: PageRequest;
  }): Promise<Page<RunRecord>> {
    const experimentIds = query.experimentIds.map(toDbId).filter((id): id is number => id !== undefined);
    if (experimentIds.length === 0) return { items: [], hasMore: false };
    const rows = await translateInputErrors(this.dialect, () =>
      executeRunSearch(this.db, this.dialect, { ...query, experimentIds }, { limit: query.page.limit + 1, offset: query.page.offset }),
    );
    const hasMore = rows.length > query.page.limit;
    return { items: await hydrateRuns(this.db, rows.slice(0, query.page.limit)), hasMore };
  }

  async searchDatasets(experimentIds: string[]): Promise<DatasetSummaryRecord[]> {
    const ids = experimentIds.map(toDbId).filter((id): id is number => id !== undefined);
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('run_inputs as ri')
      .innerJoin('datasets as d', 'd.dataset_uuid', 'ri.dataset_uuid')
      .leftJoin('input_tags as it', (j) =>
        j.onRef('it.run_uuid', '=', 'ri.run_uuid').onRef('it.dataset_uuid', '=', 'ri.dataset_uuid').on('it.key', '=', DATASET_CONTEXT_TAG),
      )
      .select(['d.experiment_id', 'd.name', 'd.digest', 'it.value as context'])
      .distinct()
      .where('d.experiment_id', 'in', ids)
      .orderBy('d.experiment_id')
      .orderBy('d.name')
      .orderBy('d.digest')
      .execute();
    return rows.map((r) => ({
      experimentId: String(r.experiment_id),
      name: r.name,
      digest: r.digest,
      ...(r.context ? { context: r.context } : {}),
    }));
  }

  private async insertParams(tx: Transaction<Database>, runId: string, params: KeyValue[]): Promise<void> {
    const keys = params.map((p) => p.key);
    const existing = new Map<string, string>();
    for (const part of chunks(keys)) {
      const rows = await tx.selectFrom('params').select(['key', 'value']).where('run_uuid', '=', runId).where('key', 'in', part).execute();
      for (const r of rows) existing.set(r.key, r.value);
    }
    const conflicts = params.filter((p) => existing.has(p.key) && existing.get(p.key) !== p.value);
    if (conflicts.length > 0) {
      const described = conflicts.map((p) => `{key: '${p.key}', old_value: '${existing.get(p.key)}', new_value: '${p.value}'}`).join(', ');
      throw ApiError.invalid(
        `Changing param values is not allowed. Params with key(s) already logged with a different value for run ID='${runId}': [${described}].`,
      );
    }
    const fresh = params.filter((p) => !existing.has(p.key));
    for (const part of chunks(fresh)) {
      await tx
        .insertInto('params')
        .values(part.map((p) => ({ run_uuid: runId, key: p.key, value: p.value })))
        .execute();
    }
  }

  private async upsertTags(tx: Transaction<Database>, runId: string, tags: KeyValue[]): Promise<void> {
    for (const part of chunks(tags)) {
      await tx
        .insertInto('tags')
        .values(part.map((t) => ({ run_uuid: runId, key: t.key, value: t.value })))
        .onConflict((oc) => oc.columns(['run_uuid', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
        .execute();
    }
  }

  private async insertMetrics(tx: Transaction<Database>, runId: string, metrics: MetricRecord[]): Promise<void> {
    // Identical points collapse through the primary key (ON CONFLICT DO NOTHING), within one request too.
    const latest = new Map<string, MetricRecord>();
    const rows: unknown[][] = new Array(metrics.length);
    for (let i = 0; i < metrics.length; i++) {
      const m = metrics[i] as MetricRecord;
      const nan = Number.isNaN(m.value);
      rows[i] = [runId, m.key, nan ? 0 : m.value, m.timestamp, m.step, nan ? 1 : 0, m.modelId ?? '', m.datasetName ?? '', m.datasetDigest ?? ''];
      const prev = latest.get(m.key);
      if (!prev || isLater(m, prev)) latest.set(m.key, m);
    }
    await this.dialect.bulkInsert(tx, {
      table: 'metrics',
      columns: METRIC_COLUMNS,
      conflictColumns: ['run_uuid', 'key', 'step', 'timestamp', 'value', 'is_nan'],
      rows,
    });
    const latestRows = [...latest.values()].map((m) => {
      const { run_uuid, key, value, timestamp, step, is_nan } = metricRow(runId, m);
      return { run_uuid, key, value, timestamp, step, is_nan };
    });
    for (const part of chunks(latestRows)) {
      await tx
        .insertInto('latest_metrics')
        .values(part)
        .onConflict((oc) =>
          oc
            .columns(['run_uuid', 'key'])
            .doUpdateSet((eb) => ({
              value: eb.ref('excluded.value'),
              timestamp: eb.ref('excluded.timestamp'),
              step: eb.ref('excluded.step'),
              is_nan: eb.ref('excluded.is_nan'),
            }))
            .where(
              sql<boolean>`(excluded.step > latest_metrics.step
                or (excluded.step = latest_metrics.step and excluded.timestamp > latest_metrics.timestamp)
                or (excluded.step = latest_metrics.step and excluded.timestamp = latest_metrics.timestamp and excluded.value > latest_metrics.value))`,
            ),
        )
        .execute();
    }
  }
}
