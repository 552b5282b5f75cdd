import type { Kysely, Transaction } from 'kysely';
import { ApiError, type KeyValue, type LoggedModelStatus } from '@loupe/protocol';
import type { LoggedModelRecord, LoggedModelSearchQuery, LoggedModelStore, MetricSource, NewLoggedModel } from '../logged-model-store.js';
import type { MetricRecord, Page } from '../tracking-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import { hydrateLoggedModels } from './logged-model-hydration.js';
import { compileLoggedModelSearch } from './logged-model-search-compiler.js';
import type { Database, LoggedModelMetricsTable } from './schema.js';
import { dedupeLastWins } from './sql-experiment-store.js';
import { toDbId } from './sql-ids.js';
import { chunks } from './sql-batches.js';
import { translateInputErrors } from './translate-input-errors.js';

function requireExperimentId(experimentId: string): number {
  const id = toDbId(experimentId);
  if (id === undefined) throw ApiError.notFound(`No Experiment with id=${experimentId} exists`);
  return id;
}

/**
 * Logged models on SQLite or PostgreSQL.
 *
 * @example
 * const store = new SqlLoggedModelStore(db, dialect);
 * const model = await store.createLoggedModel({ modelId: 'm-' + hex, experimentId: '1', name: 'clf', artifactLocation, params: [], tags: [], now });
 */
export class SqlLoggedModelStore implements LoggedModelStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async createLoggedModel(input: NewLoggedModel): Promise<LoggedModelRecord> {
    const experimentId = requireExperimentId(input.experimentId);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('logged_models')
        .values({
          model_id: input.modelId,
          experiment_id: experimentId,
          name: input.name,
          artifact_location: input.artifactLocation,
          creation_timestamp_ms: input.now,
          last_updated_timestamp_ms: input.now,
          status: 'LOGGED_MODEL_PENDING',
          lifecycle_stage: 'active',
          model_type: input.modelType ?? null,
          source_run_id: input.sourceRunId ?? null,
          status_message: null,
        })
        .execute();
      await this.insertParams(tx, input.modelId, input.params);
      await this.upsertTags(tx, input.modelId, input.tags);
    });
    const model = await this.getLoggedModel(input.modelId);
    if (!model) throw new Error(`logged model ${input.modelId} vanished after insert`);
    return model;
  }

  async getLoggedModel(modelId: string, options: { includeDeleted?: boolean } = {}): Promise<LoggedModelRecord | undefined> {
    let q = this.db.selectFrom('logged_models').selectAll().where('model_id', '=', modelId);
    if (!options.includeDeleted) q = q.where('lifecycle_stage', '=', 'active');
    const row = await q.executeTakeFirst();
    return row ? (await hydrateLoggedModels(this.db, [row]))[0] : undefined;
  }

  async findLoggedModelIds(modelIds: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of chunks([...new Set(modelIds)])) {
      const rows = await this.db.selectFrom('logged_models').select('model_id').where('model_id', 'in', part).execute();
      for (const r of rows) found.add(r.model_id);
    }
    return found;
  }

  async finalizeLoggedModel(modelId: string, status: LoggedModelStatus, now: number): Promise<void> {
    await this.db.updateTable('logged_models').set({ status, last_updated_timestamp_ms: now }).where('model_id', '=', modelId).execute();
  }

  async deleteLoggedModel(modelId: string, now: number): Promise<void> {
    await this.db.updateTable('logged_models').set({ lifecycle_stage: 'deleted', last_updated_timestamp_ms: now }).where('model_id', '=', modelId).execute();
  }

  async setLoggedModelTags(modelId: string, tags: KeyValue[]): Promise<void> {
    await this.db.transaction().execute((tx) => this.upsertTags(tx, modelId, tags));
  }

  async deleteLoggedModelTag(modelId: string, key: string): Promise<boolean> {
    const result = await this.db.deleteFrom('logged_model_tags').where('model_id', '=', modelId).where('key', '=', key).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async logLoggedModelParams(modelId: string, params: KeyValue[]): Promise<void> {
    await this.db.transaction().execute((tx) => this.insertParams(tx, modelId, params));
  }

  async logLoggedModelMetrics(source: MetricSource, metrics: MetricRecord[]): Promise<void> {
    const experimentId = requireExperimentId(source.experimentId);
    const rows: LoggedModelMetricsTable[] = metrics
      .filter((m) => m.modelId)
      .map((m) => {
        const nan = Number.isNaN(m.value);
        return {
          model_id: m.modelId ?? '',
          key: m.key,
          value: nan ? 0 : m.value,
          is_nan: nan ? 1 : 0,
          timestamp: m.timestamp,
          step: m.step,
          run_id: source.runId,
          dataset_name: m.datasetName ?? '',
          dataset_digest: m.datasetDigest ?? '',
          experiment_id: experimentId,
        };
      });
    if (rows.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (const part of chunks(rows)) {
        await tx
          .insertInto('logged_model_metrics')
          .values(part)
          .onConflict((oc) => oc.columns(['model_id', 'key', 'step', 'timestamp', 'run_id', 'dataset_name', 'dataset_digest']).doNothing())
          .execute();
      }
    });
  }

  async searchLoggedModels(query: LoggedModelSearchQuery): Promise<Page<LoggedModelRecord>> {
    const experimentIds = query.experimentIds.map(toDbId).filter((id): id is number => id !== undefined);
    if (experimentIds.length === 0) return { items: [], hasMore: false };
    const compiled = compileLoggedModelSearch(
      this.dialect,
      { experimentIds, filter: query.filter, datasets: query.datasets, orderBy: query.orderBy },
      { limit: query.page.limit + 1, offset: query.page.offset },
    );
    const { rows } = await translateInputErrors(this.dialect, () => compiled.execute(this.db));
    const hasMore = rows.length > query.page.limit;
    return { items: await hydrateLoggedModels(this.db, rows.slice(0, query.page.limit)), hasMore };
  }

  private async insertParams(tx: Transaction<Database>, modelId: string, params: KeyValue[]): Promise<void> {
    if (params.length === 0) return;
    const existing = new Map<string, string>();
    for (const part of chunks(params.map((p) => p.key))) {
      const rows = await tx.selectFrom('logged_model_params').select(['key', 'value']).where('model_id', '=', modelId).where('key', 'in', part).execute();
      for (const r of rows) existing.set(r.key, r.value);
    }
    const conflicts = params.filter((p) => existing.has(p.key) && existing.get(p.key) !== p.value);
    if (conflicts.length > 0) {
      const described = conflicts.map((p) => `{key: '${p.key}', old_value: '${existing.get(p.key)}', new_value: '${p.value}'}`).join(', ');
      throw ApiError.invalid(
        `Changing param values is not allowed. Params with key(s) already logged with a different value for logged model ID='${modelId}': [${described}].`,
      );
    }
    const fresh = params.filter((p) => !existing.has(p.key));
    for (const part of chunks(fresh)) {
      await tx
        .insertInto('logged_model_params')
        .values(part.map((p) => ({ model_id: modelId, key: p.key, value: p.value })))
        // A concurrent writer of the same key: its value stands, as it would had it come first.
        .onConflict((oc) => oc.columns(['model_id', 'key']).doNothing())
        .execute();
    }
  }

  private async upsertTags(tx: Transaction<Database>, modelId: string, tags: KeyValue[]): Promise<void> {
    for (const part of chunks(dedupeLastWins(tags))) {
      await tx
        .insertInto('logged_model_tags')
        .values(part.map((t) => ({ model_id: modelId, key: t.key, value: t.value })))
        .onConflict((oc) => oc.columns(['model_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
        .execute();
    }
  }
}
