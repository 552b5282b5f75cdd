import type { Kysely } from 'kysely';
import type { KeyValue, LoggedModelStatus } from '@loupe/protocol';
import type { LoggedModelMetricRecord, LoggedModelRecord } from '../logged-model-store.js';
import { toMetricRecord } from './metric-rows.js';
import type { Database, LoggedModelMetricsTable, LoggedModelsTable } from './schema.js';

function groupBy<R extends { model_id: string }, T>(rows: R[], map: (row: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.model_id) ?? [];
    list.push(map(r));
    out.set(r.model_id, list);
  }
  return out;
}

/**
 * A stored logged-model metric row as a record, carrying its model, run and dataset.
 *
 * @example
 * toLoggedModelMetric(row).modelId === row.model_id;
 */
export function toLoggedModelMetric(row: LoggedModelMetricsTable): LoggedModelMetricRecord {
  return { ...toMetricRecord(row), modelId: row.model_id, runId: row.run_id };
}

/**
 * Loads params, tags and metrics for a page of models with one query per table, keeping the rows'
 * order. Like MLflow, `data.metrics` holds every logged point (not only the latest per key), ordered
 * by key, dataset, then time.
 *
 * @example
 * const models = await hydrateLoggedModels(db, rows);
 */
export async function hydrateLoggedModels(db: Kysely<Database>, rows: LoggedModelsTable[]): Promise<LoggedModelRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.model_id);
  const [params, tags, metrics] = await Promise.all([
    db.selectFrom('logged_model_params').selectAll().where('model_id', 'in', ids).orderBy('key').execute(),
    db.selectFrom('logged_model_tags').selectAll().where('model_id', 'in', ids).orderBy('key').execute(),
    db
      .selectFrom('logged_model_metrics')
      .selectAll()
      .where('model_id', 'in', ids)
      .orderBy('key')
      .orderBy('dataset_name')
      .orderBy('dataset_digest')
      .orderBy('timestamp')
      .orderBy('step')
      .orderBy('run_id')
      .execute(),
  ]);
  const kv = (r: { key: string; value: string }): KeyValue => ({ key: r.key, value: r.value });
  const paramsBy = groupBy(params, kv);
  const tagsBy = groupBy(tags, kv);
  const metricsBy = groupBy(metrics, toLoggedModelMetric);
  return rows.map((row) => {
    const model: LoggedModelRecord = {
      modelId: row.model_id,
      experimentId: String(row.experiment_id),
      name: row.name,
      creationTimestampMs: Number(row.creation_timestamp_ms),
      lastUpdatedTimestampMs: Number(row.last_updated_timestamp_ms),
      artifactUri: row.artifact_location,
      status: row.status as LoggedModelStatus,
      tags: tagsBy.get(row.model_id) ?? [],
      params: paramsBy.get(row.model_id) ?? [],
      metrics: metricsBy.get(row.model_id) ?? [],
    };
    if (row.model_type) model.modelType = row.model_type;
    if (row.source_run_id) model.sourceRunId = row.source_run_id;
    if (row.status_message) model.statusMessage = row.status_message;
    return model;
  });
}
