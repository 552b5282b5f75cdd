import type { Kysely } from 'kysely';
import type { DatasetInput, KeyValue, LifecycleStage, Metric, Run, RunInfo, RunStatus } from '@loupe/protocol';
import type { Database, RunsTable } from './schema.js';
import { toMetric } from './sql-run-store.js';

/**
 * A `runs` row as a wire RunInfo.
 *
 * @example
 * toRunInfo(row).run_id === row.run_uuid;
 */
export function toRunInfo(row: RunsTable): RunInfo {
  const info: RunInfo = {
    run_id: row.run_uuid,
    run_uuid: row.run_uuid,
    run_name: row.name,
    experiment_id: String(row.experiment_id),
    user_id: row.user_id,
    status: row.status as RunStatus,
    start_time: Number(row.start_time),
    artifact_uri: row.artifact_uri,
    lifecycle_stage: row.lifecycle_stage as LifecycleStage,
  };
  if (row.end_time !== null && row.end_time !== undefined) info.end_time = Number(row.end_time);
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
export async function hydrateRuns(db: Kysely<Database>, rows: RunsTable[]): Promise<Run[]> {
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
  const metricsBy = group<Metric>(metrics, (r: Parameters<typeof toMetric>[0]) => toMetric(r));
  const inputTagsBy = new Map<string, KeyValue[]>();
  for (const t of inputTags) {
    const k = `${t.run_uuid}/${t.dataset_uuid}`;
    inputTagsBy.set(k, [...(inputTagsBy.get(k) ?? []), kv(t)]);
  }
  const inputsBy = group<DatasetInput>(inputs, (r: (typeof inputs)[number]) => {
    const dataset: DatasetInput['dataset'] = { name: r.name, digest: r.digest, source_type: r.source_type, source: r.source };
    if (r.schema !== null) dataset.schema = r.schema;
    if (r.profile !== null) dataset.profile = r.profile;
    return { tags: inputTagsBy.get(`${r.run_uuid}/${r.dataset_uuid}`) ?? [], dataset };
  });
  const modelInputsBy = group(modelInputs, (r: { model_id: string }) => ({ model_id: r.model_id }));
  const modelOutputsBy = group(modelOutputs, (r: { model_id: string; step: number }) => ({ model_id: r.model_id, step: Number(r.step) }));
  return rows.map((row) => ({
    info: toRunInfo(row),
    data: {
      metrics: metricsBy.get(row.run_uuid) ?? [],
      params: paramsBy.get(row.run_uuid) ?? [],
      tags: tagsBy.get(row.run_uuid) ?? [],
    },
    inputs: {
      dataset_inputs: inputsBy.get(row.run_uuid) ?? [],
      model_inputs: modelInputsBy.get(row.run_uuid) ?? [],
    },
    outputs: { model_outputs: modelOutputsBy.get(row.run_uuid) ?? [] },
  }));
}
