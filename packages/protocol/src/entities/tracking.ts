import { z } from 'zod';
import { wireDouble } from '../schemas/fields.js';

/**
 * Tracking entities as they travel on the wire (protobuf-JSON, snake_case; spec §2.1, §3).
 * Optional fields are omitted when unset, as MLflow omits them. An entity given as a `...Json` zod
 * schema is the shape response schemas check replies against; its type is inferred from it.
 */

/** Experiment/run lifecycle. */
export type LifecycleStage = 'active' | 'deleted';

/** MLflow's RunStatus enum, in proto order (RUNNING = 1). */
export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
/** One RunStatus name. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** `view_type` / `run_view_type` (ACTIVE_ONLY = 1). */
export const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
/** One ViewType name. */
export type ViewType = (typeof VIEW_TYPES)[number];

/** A tag or param. */
export const KeyValueJson = z.strictObject({ key: z.string(), value: z.string() });
/** A tag or param. */
export type KeyValue = z.infer<typeof KeyValueJson>;

/** An experiment (spec §2.1). */
export const ExperimentJson = z.strictObject({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: z.string(),
  lifecycle_stage: z.enum(['active', 'deleted']),
  last_update_time: z.number().int(),
  creation_time: z.number().int(),
  tags: z.array(KeyValueJson).optional(),
});
/** An experiment (spec §2.1). */
export type Experiment = z.infer<typeof ExperimentJson>;

/** A metric point. Non-finite values travel as `"NaN"`, `"Infinity"`, `"-Infinity"` in JSON. */
export const MetricJson = z.strictObject({
  key: z.string(),
  value: wireDouble(),
  timestamp: z.number().int(),
  step: z.number().int(),
  dataset_name: z.string().optional(),
  dataset_digest: z.string().optional(),
  model_id: z.string().optional(),
  run_id: z.string().optional(),
});
/** A metric point. Non-finite values travel as `"NaN"`, `"Infinity"`, `"-Infinity"` in JSON. */
export type Metric = z.infer<typeof MetricJson>;

/** Run metadata. */
export const RunInfoJson = z.strictObject({
  run_id: z.string(),
  run_uuid: z.string(),
  run_name: z.string(),
  experiment_id: z.string(),
  user_id: z.string(),
  status: z.enum(RUN_STATUSES),
  start_time: z.number().int(),
  end_time: z.number().int().optional(),
  artifact_uri: z.string(),
  lifecycle_stage: z.enum(['active', 'deleted']),
});
/** Run metadata. */
export type RunInfo = z.infer<typeof RunInfoJson>;

/** A dataset logged as a run input. */
export const DatasetJson = z.strictObject({
  name: z.string(),
  digest: z.string(),
  source_type: z.string(),
  source: z.string(),
  schema: z.string().optional(),
  profile: z.string().optional(),
});
/** A dataset logged as a run input. */
export type Dataset = z.infer<typeof DatasetJson>;

/** A run input dataset with its input tags. */
export const DatasetInputJson = z.strictObject({ tags: z.array(KeyValueJson).optional(), dataset: DatasetJson });
/** A run input dataset with its input tags. */
export type DatasetInput = z.infer<typeof DatasetInputJson>;

/** A run (spec §2.1). */
export const RunJson = z.strictObject({
  info: RunInfoJson,
  data: z.strictObject({ metrics: z.array(MetricJson).optional(), params: z.array(KeyValueJson).optional(), tags: z.array(KeyValueJson).optional() }),
  inputs: z.strictObject({
    dataset_inputs: z.array(DatasetInputJson).optional(),
    model_inputs: z.array(z.strictObject({ model_id: z.string() })).optional(),
  }),
  outputs: z.strictObject({ model_outputs: z.array(z.strictObject({ model_id: z.string(), step: z.number().int() })).optional() }),
});
/** A run (spec §2.1). */
export type Run = z.infer<typeof RunJson>;

/** A dataset some run of an experiment used, with its `mlflow.data.context` tag (the UI's search-datasets). */
export const DatasetSummaryJson = z.strictObject({ experiment_id: z.string(), name: z.string(), digest: z.string(), context: z.string().optional() });
/** A dataset some run of an experiment used (the UI's search-datasets). */
export type DatasetSummary = z.infer<typeof DatasetSummaryJson>;

/** An entry of an artifact listing. */
export const FileInfoJson = z.strictObject({ path: z.string(), is_dir: z.boolean(), file_size: z.number().int().optional() });
/** An entry of an artifact listing. */
export type FileInfo = z.infer<typeof FileInfoJson>;

/** LoggedModel status enum, in proto order. */
export const LOGGED_MODEL_STATUSES = ['LOGGED_MODEL_STATUS_UNSPECIFIED', 'LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'] as const;
/** One LoggedModelStatus name. */
export type LoggedModelStatus = (typeof LOGGED_MODEL_STATUSES)[number];

/** A logged model (spec §3). */
export const LoggedModelJson = z.strictObject({
  info: z.strictObject({
    model_id: z.string(),
    experiment_id: z.string(),
    name: z.string(),
    creation_timestamp_ms: z.number().int(),
    last_updated_timestamp_ms: z.number().int(),
    artifact_uri: z.string(),
    status: z.enum(LOGGED_MODEL_STATUSES),
    creator_id: z.number().int().optional(),
    model_type: z.string().optional(),
    source_run_id: z.string().optional(),
    status_message: z.string().optional(),
    tags: z.array(KeyValueJson).optional(),
    registrations: z.array(z.strictObject({ name: z.string(), version: z.string() })).optional(),
  }),
  data: z.strictObject({ params: z.array(KeyValueJson).optional(), metrics: z.array(MetricJson).optional() }),
});
/** A logged model (spec §3). */
export type LoggedModel = z.infer<typeof LoggedModelJson>;
