import { z } from 'zod';

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
export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  dataset_name?: string;
  dataset_digest?: string;
  model_id?: string;
  run_id?: string;
}

/** Run metadata. */
export interface RunInfo {
  run_id: string;
  run_uuid: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
}

/** A dataset logged as a run input. */
export interface Dataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}

/** A run input dataset with its input tags. */
export interface DatasetInput {
  tags?: KeyValue[];
  dataset: Dataset;
}

/** A run (spec §2.1). */
export interface Run {
  info: RunInfo;
  data: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] };
  inputs: { dataset_inputs?: DatasetInput[]; model_inputs?: { model_id: string }[] };
  outputs: { model_outputs?: { model_id: string; step: number }[] };
}

/** An entry of an artifact listing. */
export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/** LoggedModel status enum, in proto order. */
export const LOGGED_MODEL_STATUSES = ['LOGGED_MODEL_STATUS_UNSPECIFIED', 'LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'] as const;
/** One LoggedModelStatus name. */
export type LoggedModelStatus = (typeof LOGGED_MODEL_STATUSES)[number];

/** A logged model (spec §3). */
export interface LoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name: string;
    creation_timestamp_ms: number;
    last_updated_timestamp_ms: number;
    artifact_uri: string;
    status: LoggedModelStatus;
    creator_id?: number;
    model_type?: string;
    source_run_id?: string;
    status_message?: string;
    tags?: KeyValue[];
    registrations?: { name: string; version: string }[];
  };
  data: { params?: KeyValue[]; metrics?: Metric[] };
}
