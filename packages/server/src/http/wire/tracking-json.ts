import type { DatasetInput, DatasetSummary, Experiment, FileInfo, Metric, Run, RunInfo } from '@loupe/protocol';
import type { ListedArtifact } from '../../services/artifact-service.js';
import type { DatasetInputRecord, DatasetSummaryRecord, ExperimentRecord, MetricRecord, RunInfoRecord, RunRecord } from '../../store/tracking-store.js';

/**
 * An experiment as MLflow's wire has it (spec §2.1): snake_case, tags omitted when there are none.
 *
 * @example
 * experimentJson(record).experiment_id; // '1'
 */
export function experimentJson(e: ExperimentRecord): Experiment {
  const json: Experiment = {
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    last_update_time: e.lastUpdateTime,
    creation_time: e.creationTime,
  };
  if (e.tags.length > 0) json.tags = e.tags;
  return json;
}

/**
 * A metric point as MLflow's wire has it (spec §2.1); `run_id` only for points that carry their run
 * (bulk histories, a logged model's metrics). Non-finite values stay numbers here: the reply's
 * serialization writes them as `"NaN"`, `"Infinity"`, `"-Infinity"`.
 *
 * @example
 * metricJson({ key: 'loss', value: 0.5, timestamp: 1, step: 0, modelId: 'm-1' }); // { ..., model_id: 'm-1' }
 */
export function metricJson(m: MetricRecord & { runId?: string }): Metric {
  const json: Metric = { key: m.key, value: m.value, timestamp: m.timestamp, step: m.step };
  if (m.datasetName) json.dataset_name = m.datasetName;
  if (m.datasetDigest) json.dataset_digest = m.datasetDigest;
  if (m.modelId) json.model_id = m.modelId;
  if (m.runId !== undefined) json.run_id = m.runId;
  return json;
}

/**
 * A run's metadata as MLflow's wire has it (spec §2.1): the id twice (`run_uuid` for older clients),
 * `end_time` only once the run has ended.
 *
 * @example
 * runInfoJson(record).run_uuid === record.runId;
 */
export function runInfoJson(info: RunInfoRecord): RunInfo {
  const json: RunInfo = {
    run_id: info.runId,
    run_uuid: info.runId,
    run_name: info.runName,
    experiment_id: info.experimentId,
    user_id: info.userId,
    status: info.status,
    start_time: info.startTime,
    artifact_uri: info.artifactUri,
    lifecycle_stage: info.lifecycleStage,
  };
  if (info.endTime !== undefined) json.end_time = info.endTime;
  return json;
}

function datasetInputJson(d: DatasetInputRecord): DatasetInput {
  const { name, digest, sourceType, source, schema, profile } = d.dataset;
  const dataset: DatasetInput['dataset'] = { name, digest, source_type: sourceType, source };
  if (schema !== undefined) dataset.schema = schema;
  if (profile !== undefined) dataset.profile = profile;
  return { tags: d.tags, dataset };
}

/**
 * A run as MLflow's wire has it (spec §2.1). Empty lists are left in: the reply's serialization omits
 * them, leaving `inputs` and `outputs` as `{}`.
 *
 * @example
 * runJson(record).info.run_id; // record.info.runId
 */
export function runJson(run: RunRecord): Run {
  return {
    info: runInfoJson(run.info),
    data: { metrics: run.data.metrics.map(metricJson), params: run.data.params, tags: run.data.tags },
    inputs: {
      dataset_inputs: run.inputs.datasetInputs.map(datasetInputJson),
      model_inputs: run.inputs.modelInputs.map((m) => ({ model_id: m.modelId })),
    },
    outputs: { model_outputs: run.outputs.modelOutputs.map((m) => ({ model_id: m.modelId, step: m.step })) },
  };
}

/**
 * A dataset summary of the UI's search-datasets.
 *
 * @example
 * datasetSummaryJson({ experimentId: '1', name: 'iris', digest: 'd1' }); // { experiment_id: '1', name: 'iris', digest: 'd1' }
 */
export function datasetSummaryJson(d: DatasetSummaryRecord): DatasetSummary {
  const json: DatasetSummary = { experiment_id: d.experimentId, name: d.name, digest: d.digest };
  if (d.context !== undefined) json.context = d.context;
  return json;
}

/**
 * An artifact listing entry (spec §2.1 FileInfo): a file always has a size, a folder none.
 *
 * @example
 * fileInfoJson({ path: 'model/MLmodel', isDir: false, fileSize: 12 }); // { path: 'model/MLmodel', is_dir: false, file_size: 12 }
 */
export function fileInfoJson(entry: ListedArtifact): FileInfo {
  return entry.isDir ? { path: entry.path, is_dir: true } : { path: entry.path, is_dir: false, file_size: entry.fileSize ?? 0 };
}
