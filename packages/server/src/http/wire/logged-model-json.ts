import type { LoggedModel } from '@loupe/protocol';
import type { LoggedModelRecord } from '../../store/logged-model-store.js';
import { metricJson } from './tracking-json.js';

/**
 * A logged model as MLflow's wire has it (spec §3): `info` and `data`, unset optional fields left out,
 * each metric point with its model and run.
 *
 * @example
 * loggedModelJson(record).info.model_id; // record.modelId
 */
export function loggedModelJson(m: LoggedModelRecord): LoggedModel {
  const info: LoggedModel['info'] = {
    model_id: m.modelId,
    experiment_id: m.experimentId,
    name: m.name,
    creation_timestamp_ms: m.creationTimestampMs,
    last_updated_timestamp_ms: m.lastUpdatedTimestampMs,
    artifact_uri: m.artifactUri,
    status: m.status,
    tags: m.tags,
  };
  if (m.modelType) info.model_type = m.modelType;
  if (m.sourceRunId) info.source_run_id = m.sourceRunId;
  if (m.statusMessage) info.status_message = m.statusMessage;
  return { info, data: { params: m.params, metrics: m.metrics.map(metricJson) } };
}
