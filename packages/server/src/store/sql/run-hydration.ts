import type { Kysely } from 'kysely';
import type { KeyValue, LifecycleStage, RunStatus } from '@loupe/protocol';
import type { DatasetInputRecord, MetricRecord, RunInfoRecord, RunRecord } from '../tracking-store.js';
import { toMetricRecord, type MetricRow } from './metric-rows.js';
import type { Database, RunsTable } from './schema.js';

/**
 * A `runs` row as a record.
 *
 * @example
 * toRunInfoRecord(row).runId === row.run_uuid;
 */
export function toRunInfoRecord(row: RunsTable): RunInfoRecord {
  const info: RunInfoRecord = {
    runId: row.run_uuid,
    experimentId: String(row.experiment_id),
    runName: row.name,
    userId: row.user_id,
    status: row.status as RunStatus,
    startTime: Number(row.start_time),
    artifactUri: row.artifact_uri,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
  };
  if (row.end_time !== null && row.end_time !== undefined) info.endTime = Number(row.end_time);
  return info;
}

function group<T>(rows: { run_uuid: string }[], map: (r: never) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.run_uuid) ?? [];
    list.push(map(r as never));
    out.set(r.run_uuid, list);
  }
  return out;
}

/**
 * Loads params, tags, latest metrics, inputs and outputs for a page of runs with one query per
 * table (never one per run), keeping the rows' order.
 *
 * @example
 * const runs = await hydrateRuns(db, rows);
 */
export async function hydrateRuns(db: Kysely<Database>, rows: RunsTable[]): Promise<RunRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.run_uuid);
  const [params, tags, metrics, inputs, inputTags, modelInputs, modelOutputs] = await Promise.all([
    db.selectFrom('params').select(['run_uuid', 'key', 'value']).where('run_uuid', 'in', ids).orderBy('key').execute(),
    db.selectFrom('tags').select(['run_uuid', 'key', 'value']).where('run_uuid', 'in', ids).orderBy('key').execute(),
    db.selectFrom('latest_metrics').selectAll().where('run_uuid', 'in', ids).orderBy('key').execute(),
    db
      .selectFrom('run_inputs as ri')
      .innerJoin('datasets as d', 'd.dataset_uuid', 'ri.dataset_uuid')
      .select(['ri.run_uuid', 'ri.dataset_uuid', 'd.name', 'd.digest', 'd.source_type', 'd.source', 'd.schema', 'd.profile'])
      .where('ri.run_uuid', 'in', ids)
      .orderBy('ri.position')
      .execute(),
    db.selectFrom('input_tags').selectAll().where('run_uuid', 'in', ids).orderBy('key').execute(),
    db.selectFrom('run_model_inputs').selectAll().where('run_uuid', 'in', ids).orderBy('model_id').execute(),
    db.selectFrom('run_model_outputs').selectAll().where('run_uuid', 'in', ids).orderBy('model_id').execute(),
  ]);
  const kv = (r: { key: string; value: string }): KeyValue => ({ key: r.key, value: r.value });
  const paramsBy = group(params, kv);
  const tagsBy = group(tags, kv);
  const metricsBy = group<MetricRecord>(metrics, (r: MetricRow) => toMetricRecord(r));
  const inputTagsBy = new Map<string, KeyValue[]>();
  for (const t of inputTags) {
    const k = `${t.run_uuid}/${t.dataset_uuid}`;
    inputTagsBy.set(k, [...(inputTagsBy.get(k) ?? []), kv(t)]);
  }
  const inputsBy = group<DatasetInputRecord>(inputs, (r: (typeof inputs)[number]) => {
    const dataset: DatasetInputRecord['dataset'] = { name: r.name, digest: r.digest, sourceType: r.source_type, source: r.source };
    if (r.schema !== null) dataset.schema = r.schema;
    if (r.profile !== null) dataset.profile = r.profile;
    return { tags: inputTagsBy.get(`${r.run_uuid}/${r.dataset_uuid}`) ?? [], dataset };
  });
  const modelInputsBy = group(modelInputs, (r: { model_id: string }) => ({ modelId: r.model_id }));
  const modelOutputsBy = group(modelOutputs, (r: { model_id: string; step: number }) => ({ modelId: r.model_id, step: Number(r.step) }));
  return rows.map((row) => ({
    info: toRunInfoRecord(row),
    data: {
      metrics: metricsBy.get(row.run_uuid) ?? [],
      params: paramsBy.get(row.run_uuid) ?? [],
      tags: tagsBy.get(row.run_uuid) ?? [],
    },
    inputs: {
      datasetInputs: inputsBy.get(row.run_uuid) ?? [],
      modelInputs: modelInputsBy.get(row.run_uuid) ?? [],
    },
    outputs: { modelOutputs: modelOutputsBy.get(row.run_uuid) ?? [] },
  }));
}
