import type { Generated } from 'kysely';
import type { DatasetTables } from './dataset-schema.js';
import type { JobTables } from './job-schema.js';
import type { WebhookTables } from './webhook-schema.js';
import type { AuthTables } from './auth-schema.js';
import type { ReviewTables } from './review-schema.js';
import type { ScorerTables } from './scorer-schema.js';
import type { SessionTables } from './session-schema.js';
import type { GatewayTables } from './gateway-schema.js';

/** Kysely table types of Loupe's tracking schema (migrations/0001). Times are epoch milliseconds. */
export interface ExperimentsTable {
  experiment_id: Generated<number>;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
}

export interface ExperimentTagsTable {
  experiment_id: number;
  key: string;
  value: string;
}

export interface RunsTable {
  run_uuid: string;
  experiment_id: number;
  name: string;
  user_id: string;
  status: string;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: string;
  artifact_uri: string;
  deleted_time: number | null;
}

export interface RunKeyValueTable {
  run_uuid: string;
  key: string;
  value: string;
}

export interface MetricsTable {
  run_uuid: string;
  key: string;
  value: number;
  timestamp: number;
  step: number;
  /** 1 when the logged value was NaN (stored value 0: SQLite cannot store NaN). */
  is_nan: number;
  model_id: string;
  dataset_name: string;
  dataset_digest: string;
}

export interface LatestMetricsTable {
  run_uuid: string;
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
}

export interface DatasetsTable {
  dataset_uuid: string;
  experiment_id: number;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
}

export interface RunInputsTable {
  run_uuid: string;
  dataset_uuid: string;
  position: number;
}

export interface InputTagsTable {
  run_uuid: string;
  dataset_uuid: string;
  key: string;
  value: string;
}

export interface RunModelInputsTable {
  run_uuid: string;
  model_id: string;
}

export interface RunModelOutputsTable {
  run_uuid: string;
  model_id: string;
  step: number;
}

export interface LoggedModelsTable {
  model_id: string;
  experiment_id: number;
  name: string;
  artifact_location: string;
  creation_timestamp_ms: number;
  last_updated_timestamp_ms: number;
  status: string;
  lifecycle_stage: string;
  model_type: string | null;
  source_run_id: string | null;
  status_message: string | null;
}

export interface LoggedModelKeyValueTable {
  model_id: string;
  key: string;
  value: string;
}

export interface LoggedModelMetricsTable {
  model_id: string;
  key: string;
  value: number;
  is_nan: number;
  timestamp: number;
  step: number;
  run_id: string;
  dataset_name: string;
  dataset_digest: string;
  experiment_id: number;
}

export interface TracesTable {
  /** Integer key handed out in arrival order (migration 0007): spans, tags and metadata refer to it. */
  trace_key: Generated<number>;
  trace_id: string;
  experiment_id: number;
  client_request_id: string | null;
  request_time_ms: number;
  execution_duration_ms: number | null;
  state: string;
  request_preview: string | null;
  response_preview: string | null;
  root_span_id: string | null;
  span_count: number;
  finalized: number;
  input_tokens?: number | null;
  output_tokens?: number | null;
  total_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  input_cost?: number | null;
  output_cost?: number | null;
  total_cost?: number | null;
  usage_final?: number;
}

export interface TraceKeyValueTable {
  trace_key: number;
  key: string;
  value: string;
}

export interface SpansTable {
  trace_key: number;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  type: string;
  status: string;
  start_time_us: number;
  end_time_us: number | null;
  content: string;
  input_tokens?: number | null;
  output_tokens?: number | null;
  total_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  input_cost?: number | null;
  output_cost?: number | null;
  total_cost?: number | null;
  model_name?: string | null;
  model_provider?: string | null;
}

export interface AssessmentsTable {
  assessment_id: string;
  trace_id: string;
  name: string;
  /** `feedback` or `expectation`. */
  assessment_type: string;
  value: string | null;
  value_text: string | null;
  serialization_format: string | null;
  error: string | null;
  span_id: string | null;
  source_type: string;
  source_id: string;
  create_time_ms: number;
  last_update_time_ms: number;
  rationale: string | null;
  metadata: string | null;
  overrides: string | null;
  valid: number;
  run_id: string | null;
  value_number?: number | null;
}

export interface TraceLinksTable {
  trace_id: string;
  /** `run` or `prompt_version`. */
  link_type: string;
  target_id: string;
}

/** Registered models (migration 0009); `model_key` is what the other registry tables refer to. */
export interface RegisteredModelsTable {
  model_key: Generated<number>;
  name: string;
  creation_time: number;
  last_updated_time: number;
  description: string | null;
}

export interface RegisteredModelTagsTable {
  model_key: number;
  key: string;
  value: string;
}

export interface ModelVersionsTable {
  model_key: number;
  version: number;
  creation_time: number;
  last_updated_time: number;
  description: string | null;
  user_id: string | null;
  /** A stage (`None`, `Staging`, `Production`, `Archived`) or `Deleted_Internal` for a deleted version. */
  current_stage: string;
  source: string;
  /** Where the files are (`get-download-uri`): the resolved location of a `models:/` or `runs:/` source. */
  storage_location: string | null;
  run_id: string | null;
  run_link: string | null;
  status: string;
  status_message: string | null;
  model_id: string | null;
}

export interface ModelVersionTagsTable {
  model_key: number;
  version: number;
  key: string;
  value: string;
}

export interface RegisteredModelAliasesTable {
  model_key: number;
  alias: string;
  version: number;
}

/** The registry's event outbox (seam 1 of issue 16): one row per change MLflow turns into a webhook event. */
export interface RegistryEventsTable {
  seq: Generated<number>;
  /** MLflow's lowercase webhook entity: `registered_model`, `model_version_tag`, `prompt_alias`, ... */
  entity: string;
  /** `created`, `set` or `deleted`. */
  action: string;
  /** JSON of MLflow's event `data`. */
  payload: string;
  /** Epoch milliseconds. */
  created_at: number;
}

/** The whole database as Kysely sees it. */
export interface Database extends JobTables, WebhookTables, ReviewTables, DatasetTables, AuthTables, SessionTables, GatewayTables, ScorerTables {
  experiments: ExperimentsTable;
  experiment_tags: ExperimentTagsTable;
  runs: RunsTable;
  params: RunKeyValueTable;
  tags: RunKeyValueTable;
  metrics: MetricsTable;
  latest_metrics: LatestMetricsTable;
  datasets: DatasetsTable;
  run_inputs: RunInputsTable;
  input_tags: InputTagsTable;
  run_model_inputs: RunModelInputsTable;
  run_model_outputs: RunModelOutputsTable;
  logged_models: LoggedModelsTable;
  logged_model_params: LoggedModelKeyValueTable;
  logged_model_tags: LoggedModelKeyValueTable;
  logged_model_metrics: LoggedModelMetricsTable;
  traces: TracesTable;
  trace_tags: TraceKeyValueTable;
  trace_metadata: TraceKeyValueTable;
  spans: SpansTable;
  assessments: AssessmentsTable;
  trace_links: TraceLinksTable;
  registered_models: RegisteredModelsTable;
  registered_model_tags: RegisteredModelTagsTable;
  model_versions: ModelVersionsTable;
  model_version_tags: ModelVersionTagsTable;
  registered_model_aliases: RegisteredModelAliasesTable;
  registry_events: RegistryEventsTable;
}
