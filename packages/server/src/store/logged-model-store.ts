import type { Filter, KeyValue, LoggedModelFilterEntity, LoggedModelStatus, OrderBy } from '@loupe/protocol';
import type { MetricRecord, Page, PageRequest, RunMetricRecord } from './tracking-store.js';

/** A metric point logged against a model by a run (LogMetric / LogBatch with a `model_id`). */
export interface LoggedModelMetricRecord extends RunMetricRecord {
  modelId: string;
}

/** A logged model as stored (times in epoch milliseconds). */
export interface LoggedModelRecord {
  modelId: string;
  experimentId: string;
  name: string;
  creationTimestampMs: number;
  lastUpdatedTimestampMs: number;
  artifactUri: string;
  status: LoggedModelStatus;
  modelType?: string;
  sourceRunId?: string;
  statusMessage?: string;
  /** Sorted by key. */
  tags: KeyValue[];
  /** Sorted by key. */
  params: KeyValue[];
  /** Every logged point (not only the latest per key), by key, dataset, then time. */
  metrics: LoggedModelMetricRecord[];
}

/** Input of {@link LoggedModelStore.createLoggedModel}. */
export interface NewLoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  artifactLocation: string;
  modelType?: string;
  sourceRunId?: string;
  /** Unique keys (the service rejects conflicting duplicates). */
  params: KeyValue[];
  /** Last value of a repeated key wins. */
  tags: KeyValue[];
  now: number;
}

/** One entry of SearchLoggedModels' `datasets`: metric filters only see metrics logged on these. */
export interface DatasetFilter {
  datasetName: string;
  datasetDigest?: string;
}

/** An order_by term; a metric term may be restricted to the metrics of one dataset. */
export interface LoggedModelOrderBy extends OrderBy<LoggedModelFilterEntity> {
  datasetName?: string;
  datasetDigest?: string;
}

/** A logged-model search (spec §3, §9.6). Deleted models are never returned. */
export interface LoggedModelSearchQuery {
  experimentIds: string[];
  filter: Filter<LoggedModelFilterEntity>;
  datasets: DatasetFilter[];
  orderBy: LoggedModelOrderBy[];
  page: PageRequest;
}

/** The run a metric was logged by, recorded with each logged-model metric point. */
export interface MetricSource {
  runId: string;
  experimentId: string;
}

/**
 * MLflow 3 logged models with their params, tags and metrics (spec §3). Methods other than create and
 * search expect an existing model id; the service checks existence first.
 */
export interface LoggedModelStore {
  /** Creates a model in LOGGED_MODEL_PENDING with its params and tags, in one transaction. */
  createLoggedModel(input: NewLoggedModel): Promise<LoggedModelRecord>;
  /** The model, or undefined; a deleted model only with `includeDeleted`. */
  getLoggedModel(modelId: string, options?: { includeDeleted?: boolean }): Promise<LoggedModelRecord | undefined>;
  /** Which of these ids name a model (active or deleted). */
  findLoggedModelIds(modelIds: string[]): Promise<Set<string>>;
  finalizeLoggedModel(modelId: string, status: LoggedModelStatus, now: number): Promise<void>;
  /** Soft delete: the lifecycle becomes `deleted`. */
  deleteLoggedModel(modelId: string, now: number): Promise<void>;
  /** Upserts tags; the last value of a repeated key wins. */
  setLoggedModelTags(modelId: string, tags: KeyValue[]): Promise<void>;
  /** Returns false when the tag did not exist. */
  deleteLoggedModelTag(modelId: string, key: string): Promise<boolean>;
  /**
   * Adds params. Params are immutable: the same (key, value) again is a no-op, a different value for
   * a logged key throws INVALID_PARAMETER_VALUE and nothing of the call is written.
   */
  logLoggedModelParams(modelId: string, params: KeyValue[]): Promise<void>;
  /** Appends metric points that carry a `modelId`; an identical point (same key, step, time, run, dataset) is kept once. */
  logLoggedModelMetrics(source: MetricSource, metrics: MetricRecord[]): Promise<void>;
  searchLoggedModels(query: LoggedModelSearchQuery): Promise<Page<LoggedModelRecord>>;
}
