import { z } from 'zod';
import { RUN_STATUSES, VIEW_TYPES } from '../entities/tracking.js';
import { double, int64, keyValueList, protoEnum, repeated, requiredStr, str } from './fields.js';
import { artifactLocation, checkRetentionTag, experimentName, experimentTag, experimentTagFields } from './tracking-fields.js';

/**
 * Request schemas of the tracking RPCs (spec §2), as decoded from GET query strings or JSON bodies.
 * Required fields, formats and limits are checked here with MLflow's wording (`requiredStr`: a missing
 * field and an empty string give the same message), so services receive typed commands.
 */

const runId = {
  run_id: str().optional(),
  run_uuid: str().optional(),
};

const viewType = protoEnum(VIEW_TYPES, 1);

export const CreateExperiment = z.object({
  name: experimentName(),
  artifact_location: artifactLocation(),
  tags: keyValueList(experimentTag()),
});
export const GetExperiment = z.object({ experiment_id: requiredStr() });
export const GetExperimentByName = z.object({ experiment_name: requiredStr() });
export const SearchExperiments = z.object({
  max_results: int64().optional(),
  page_token: str().optional(),
  filter: str().optional(),
  order_by: repeated(str()),
  view_type: viewType.optional(),
});
export const ExperimentIdOnly = z.object({ experiment_id: requiredStr() });
export const UpdateExperiment = z.object({ experiment_id: requiredStr(), new_name: experimentName('new_name').optional() });
export const SetExperimentTag = z.object({ experiment_id: requiredStr(), ...experimentTagFields }).superRefine(checkRetentionTag);
export const DeleteExperimentTag = z.object({ experiment_id: requiredStr(), key: requiredStr() });

export const CreateRun = z.object({
  experiment_id: str().optional(),
  user_id: str().optional(),
  run_name: str().optional(),
  start_time: int64().optional(),
  tags: keyValueList(),
});
export const UpdateRun = z.object({
  ...runId,
  status: protoEnum(RUN_STATUSES, 1).optional(),
  end_time: int64().optional(),
  run_name: str().optional(),
});
export const RunIdOnly = z.object(runId);
export const SearchRuns = z.object({
  experiment_ids: repeated(str()),
  filter: str().optional(),
  run_view_type: viewType.optional(),
  max_results: int64().optional(),
  order_by: repeated(str()),
  page_token: str().optional(),
});

export const MetricInput = z.object({
  key: str().optional(),
  value: double().optional(),
  timestamp: int64().optional(),
  step: int64().optional(),
  model_id: str().optional(),
  dataset_name: str().optional(),
  dataset_digest: str().optional(),
});
export const LogMetric = MetricInput.extend(runId);
export const LogParam = z.object({ ...runId, key: str().optional(), value: str().optional() });
export const SetTag = z.object({ ...runId, key: str().optional(), value: str().optional() });
export const DeleteTag = z.object({ ...runId, key: str().optional() });
export const LogBatch = z.object({
  ...runId,
  metrics: repeated(MetricInput),
  params: keyValueList(),
  tags: keyValueList(),
});
export const LogModel = z.object({ ...runId, model_json: str().optional() });

export const DatasetSchema = z.object({
  name: str().optional(),
  digest: str().optional(),
  source_type: str().optional(),
  source: str().optional(),
  schema: str().optional(),
  profile: str().optional(),
});
export const LogInputs = z.object({
  ...runId,
  datasets: repeated(z.object({ tags: keyValueList(), dataset: DatasetSchema.optional() })),
  models: repeated(z.object({ model_id: str().optional() })),
});
export const LogOutputs = z.object({
  ...runId,
  models: repeated(z.object({ model_id: str().optional(), step: int64().optional() })),
});

export const GetMetricHistory = z.object({
  ...runId,
  metric_key: str().optional(),
  page_token: str().optional(),
  max_results: int64().optional(),
});
export const GetMetricHistoryBulkInterval = z.object({
  run_ids: repeated(str()),
  metric_key: str().optional(),
  start_step: int64().optional(),
  end_step: int64().optional(),
  max_results: int64().optional(),
});
export const GetMetricHistoryBulk = z.object({
  run_id: repeated(str()),
  metric_key: str().optional(),
  max_results: int64().optional(),
});
export const SearchDatasets = z.object({ experiment_ids: repeated(str()) });

export const ListArtifacts = z.object({ ...runId, path: str().optional(), page_token: str().optional() });

/** Decoded request of an RPC schema. */
export type RequestOf<S extends z.ZodType> = z.output<S>;
