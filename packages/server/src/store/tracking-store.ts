import type {
  DatasetInput,
  ExperimentFilterEntity,
  Filter,
  KeyValue,
  LifecycleStage,
  Metric,
  OrderBy,
  Run,
  RunFilterEntity,
  RunInfo,
  RunStatus,
  ViewType,
} from '@loupe/protocol';

/** A page request: `offset` rows skipped, at most `limit` returned. */
export interface PageRequest {
  offset: number;
  limit: number;
}

/** A page of results; `hasMore` says whether a next page exists. */
export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

/** An experiment as stored (times in epoch milliseconds). */
export interface ExperimentRecord {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  creationTime: number;
  lastUpdateTime: number;
  /** Sorted by key. */
  tags: KeyValue[];
}

/** Input of {@link ExperimentStore.createExperiment}. */
export interface NewExperiment {
  name: string;
  /** Given location, or a function of the new id for the default one. */
  artifactLocation: string | ((experimentId: string) => string);
  tags: KeyValue[];
  now: number;
}

/** Experiments (spec §2.2). */
export interface ExperimentStore {
  /** Creates an experiment; throws RESOURCE_ALREADY_EXISTS when the name is taken. Returns its id. */
  createExperiment(input: NewExperiment): Promise<string>;
  getExperiment(experimentId: string): Promise<ExperimentRecord | undefined>;
  /** The experiment with this name, the active one first. */
  getExperimentByName(name: string): Promise<ExperimentRecord | undefined>;
  searchExperiments(query: {
    viewType: ViewType;
    filter: Filter<ExperimentFilterEntity>;
    orderBy: OrderBy<ExperimentFilterEntity>[];
    page: PageRequest;
  }): Promise<Page<ExperimentRecord>>;
  /** Soft delete or restore; the experiment's runs follow. */
  setExperimentLifecycle(experimentId: string, stage: LifecycleStage, now: number): Promise<void>;
  /** Throws RESOURCE_ALREADY_EXISTS when the name is taken. */
  renameExperiment(experimentId: string, newName: string, now: number): Promise<void>;
  setExperimentTag(experimentId: string, tag: KeyValue): Promise<void>;
  /** Returns false when the tag did not exist. */
  deleteExperimentTag(experimentId: string, key: string): Promise<boolean>;
}

/** Input of {@link RunStore.createRun}. */
export interface NewRun {
  runId: string;
  experimentId: string;
  name: string;
  userId: string;
  startTime: number;
  artifactUri: string;
  tags: KeyValue[];
}

/** A metric point as stored; `modelId`, `datasetName`, `datasetDigest` are '' when absent. */
export type MetricPoint = Omit<Metric, 'run_id'>;

/** Metrics, params and tags written by one LogBatch (or by a single-value call). */
export interface RunBatch {
  metrics: MetricPoint[];
  params: KeyValue[];
  tags: KeyValue[];
}

/** Runs with their params, tags, metrics, inputs and outputs (spec §2.3 - §2.5). */
export interface RunStore {
  createRun(input: NewRun): Promise<Run>;
  getRun(runId: string): Promise<Run | undefined>;
  getRunInfo(runId: string): Promise<RunInfo | undefined>;
  updateRunInfo(runId: string, patch: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo>;
  setRunLifecycle(runId: string, stage: LifecycleStage, now: number): Promise<void>;
  /**
   * Writes a batch in one transaction. Params are write-once: logging a different value for an
   * existing key throws INVALID_PARAMETER_VALUE and nothing of the batch is written.
   */
  logBatch(runId: string, batch: RunBatch): Promise<void>;
  /** Returns false when the tag did not exist. */
  deleteRunTag(runId: string, key: string): Promise<boolean>;
  logInputs(runId: string, experimentId: string, datasets: DatasetInput[], modelIds: string[]): Promise<void>;
  logOutputs(runId: string, models: { modelId: string; step: number }[]): Promise<void>;
  /** A metric's history in (timestamp, step) order. */
  getMetricHistory(runId: string, key: string, page?: PageRequest): Promise<Page<Metric>>;
  /** Histories of several runs, optionally within [startStep, endStep]. */
  getMetricHistories(runIds: string[], key: string, range?: { startStep: number; endStep: number }): Promise<Metric[]>;
  searchRuns(query: {
    experimentIds: string[];
    viewType: ViewType;
    filter: Filter<RunFilterEntity>;
    orderBy: OrderBy<RunFilterEntity>[];
    page: PageRequest;
  }): Promise<Page<Run>>;
  /** Dataset summaries of runs' inputs in these experiments (ajax search-datasets). */
  searchDatasets(experimentIds: string[]): Promise<{ experiment_id: string; name: string; digest: string; context?: string }[]>;
}
