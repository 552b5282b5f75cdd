import type { Kysely } from 'kysely';
import type { KeyValue, LoggedModel, LoggedModelStatus, Metric } from '@loupe/protocol';
import type { Database, LoggedModelMetricsTable, LoggedModelsTable } from './schema.js';
import { toMetric } from './sql-run-store.js';

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
 * A stored logged-model metric row as a wire Metric, carrying its model, run and dataset.
 *
 * @example
 * toLoggedModelMetric(row).model_id === row.model_id;
 */
export function toLoggedModelMetric(row: LoggedModelMetricsTable): Metric {
  return { ...toMetric(row), model_id: row.model_id, run_id: row.run_id };
}

/**
 * Loads params, tags and metrics for a page of models with one query per table, keeping the rows'
 * order. Like MLflow, `data.metrics` holds every logged point (not only the latest per key), ordered
 * by key, dataset, then time.
 *
 * @example
 * const models = await hydrateLoggedModels(db, rows);
 */
export async function hydrateLoggedModels(db: Kysely<Database>, rows: LoggedModelsTable[]): Promise<LoggedModel[]> {
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
    const info: LoggedModel['info'] = {
      model_id: row.model_id,
      experiment_id: String(row.experiment_id),
      name: row.name,
      creation_timestamp_ms: Number(row.creation_timestamp_ms),
      last_updated_timestamp_ms: Number(row.last_updated_timestamp_ms),
      artifact_uri: row.artifact_location,
      status: row.status as LoggedModelStatus,
      tags: tagsBy.get(row.model_id) ?? [],
    };
    if (row.model_type) info.model_type = row.model_type;
    if (row.source_run_id) info.source_run_id = row.source_run_id;
    if (row.status_message) info.status_message = row.status_message;
    return { info, data: { params: paramsBy.get(row.model_id) ?? [], metrics: metricsBy.get(row.model_id) ?? [] } };
  });
}
