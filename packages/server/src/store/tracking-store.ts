import type { ExperimentFilterEntity, Filter, KeyValue, LifecycleStage, OrderBy, RunFilterEntity, RunStatus, ViewType } from '@loupe/protocol';

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

/** A metric point as stored (a NaN or infinite value included); the model and dataset are absent when unset. */
export interface MetricRecord {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  modelId?: string;
  datasetName?: string;
  datasetDigest?: string;
}

/** A metric point with the run that logged it (histories of several runs, logged-model metrics). */
export interface RunMetricRecord extends MetricRecord {
  runId: string;
}

/** A run's metadata as stored (times in epoch milliseconds). */
export interface RunInfoRecord {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  /** Absent until the run ends. */
  endTime?: number;
  artifactUri: string;
  lifecycleStage: LifecycleStage;
}

/** A dataset a run used, with the tags of that use (`mlflow.data.context`, ...). */
export interface DatasetInputRecord {
  /** Sorted by key. */
  tags: KeyValue[];
  dataset: { name: string; digest: string; sourceType: string; source: string; schema?: string; profile?: string };
}

/** A run with its data, inputs and outputs. */
export interface RunRecord {
  info: RunInfoRecord;
  /** Metrics hold the latest value of each key; all three are sorted by key. */
  data: { metrics: MetricRecord[]; params: KeyValue[]; tags: KeyValue[] };
  /** Datasets in the order they were first logged; models by id. */
  inputs: { datasetInputs: DatasetInputRecord[]; modelInputs: { modelId: string }[] };
  outputs: { modelOutputs: { modelId: string; step: number }[] };
}

/** One dataset of the runs of an experiment, for the UI's search-datasets. */
export interface DatasetSummaryRecord {
  experimentId: string;
  name: string;
  digest: string;
  /** The `mlflow.data.context` input tag, when set. */
  context?: string;
}

/** Metrics, params and tags written by one LogBatch (or by a single-value call). */
export interface RunBatch {
  metrics: MetricRecord[];
  params: KeyValue[];
  tags: KeyValue[];
}

/** Runs with their params, tags, metrics, inputs and outputs (spec §2.3 - §2.5). */
export interface RunStore {
  createRun(input: NewRun): Promise<RunRecord>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  getRunInfo(runId: string): Promise<RunInfoRecord | undefined>;
  updateRunInfo(runId: string, patch: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfoRecord>;
  setRunLifecycle(runId: string, stage: LifecycleStage, now: number): Promise<void>;
  /**
   * Writes a batch in one transaction. Params are write-once: logging a different value for an
   * existing key throws INVALID_PARAMETER_VALUE and nothing of the batch is written.
   */
  logBatch(runId: string, batch: RunBatch): Promise<void>;
  /** Returns false when the tag did not exist. */
  deleteRunTag(runId: string, key: string): Promise<boolean>;
  logInputs(runId: string, experimentId: string, datasets: DatasetInputRecord[], modelIds: string[]): Promise<void>;
  logOutputs(runId: string, models: { modelId: string; step: number }[]): Promise<void>;
  /** A metric's history in (timestamp, step) order. */
  getMetricHistory(runId: string, key: string, page?: PageRequest): Promise<Page<MetricRecord>>;
  /** Histories of several runs, optionally within [startStep, endStep], by run, then (timestamp, step, value). */
  getMetricHistories(runIds: string[], key: string, range?: { startStep: number; endStep: number }): Promise<RunMetricRecord[]>;
  searchRuns(query: {
    experimentIds: string[];
    viewType: ViewType;
    filter: Filter<RunFilterEntity>;
    orderBy: OrderBy<RunFilterEntity>[];
    page: PageRequest;
  }): Promise<Page<RunRecord>>;
  /** Dataset summaries of runs' inputs in these experiments (ajax search-datasets). */
  searchDatasets(experimentIds: string[]): Promise<DatasetSummaryRecord[]>;
}
