import type { Experiment } from '@loupe/protocol';
import type { ExperimentRecord } from '../../store/tracking-store.js';

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
