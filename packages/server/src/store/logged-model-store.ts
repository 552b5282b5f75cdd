import type { Filter, KeyValue, LoggedModel, LoggedModelFilterEntity, LoggedModelStatus, OrderBy } from '@loupe/protocol';
import type { MetricPoint, Page, PageRequest } from './tracking-store.js';

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
  createLoggedModel(input: NewLoggedModel): Promise<LoggedModel>;
  /** The model, or undefined; a deleted model only with `includeDeleted`. */
  getLoggedModel(modelId: string, options?: { includeDeleted?: boolean }): Promise<LoggedModel | undefined>;
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
  /** Appends metric points that carry a `model_id`; an identical point (same key, step, time, run, dataset) is kept once. */
  logLoggedModelMetrics(source: MetricSource, metrics: MetricPoint[]): Promise<void>;
  searchLoggedModels(query: LoggedModelSearchQuery): Promise<Page<LoggedModel>>;
}
