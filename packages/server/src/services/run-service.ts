import { ApiError, type KeyValue, parseRunFilter, parseRunOrderBy, type RunStatus, RunTagKey, TRACKING_LIMITS, type ViewType } from '@loupe/protocol';
import type { DatasetInputRecord, DatasetSummaryRecord, MetricRecord, RunInfoRecord, RunMetricRecord, RunRecord, RunStore } from '../store/tracking-store.js';
import type { Clock, IdGenerator } from '../clock.js';
import { DEFAULT_EXPERIMENT_ID, type ExperimentService } from './experiment-service.js';
import { sampleMetricHistories } from './metric-sampling.js';
import { maxResults, nextPageToken, pageRequest } from './pagination.js';
import { generateRunName } from './run-names.js';
import { appendToUri } from './validation.js';

const LOGGED_MODELS_TAG = RunTagKey.LOGGED_MODELS;

/** Creates a run; the edge has checked the tags and that `runName` agrees with an `mlflow.runName` tag (spec §2.3). */
export interface CreateRunCommand {
  /** Unset or empty: the default experiment. */
  experimentId?: string | undefined;
  userId?: string | undefined;
  /** Unset or empty: the `mlflow.runName` tag, else a generated name. */
  runName?: string | undefined;
  /** Unset: now. */
  startTime?: number | undefined;
  tags: KeyValue[];
}

/** Changes a run's status, end time or name (an empty name changes nothing). */
export interface UpdateRunCommand {
  runId: string;
  status?: RunStatus | undefined;
  endTime?: number | undefined;
  runName?: string | undefined;
}

/** Metrics, params and tags of one LogBatch; the edge has checked the limits and made param keys unique. */
export interface LogBatchCommand {
  runId: string;
  metrics: MetricRecord[];
  params: KeyValue[];
  tags: KeyValue[];
}

/** Searches runs with MLflow's filter and order_by grammar (spec §2.3). */
export interface SearchRunsCommand {
  experimentIds: string[];
  filter?: string | undefined;
  orderBy: string[];
  viewType?: ViewType | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

/** One metric's history of one run, whole or a page at a time (spec §2.4). */
export interface MetricHistoryCommand {
  runId: string;
  metricKey: string;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

/** One metric's histories of several runs, sampled to at most `maxResults` steps (the UI's charts). */
export interface MetricHistoryBulkIntervalCommand {
  runIds: string[];
  metricKey: string;
  /** Both or neither; the edge has checked `startStep <= endStep`. */
  steps?: { startStep: number; endStep: number } | undefined;
  /** 1 to 2,500; unset: 2,500. */
  maxResults?: number | undefined;
}

/**
 * Run use cases (spec §2.3 - §2.5): lifecycle, write-once params, metric history, inputs/outputs,
 * search. Commands arrive checked by the edge; what needs the database (the run exists and is
 * active, params already logged) is checked here and in the store.
 *
 * @example
 * const run = await runs.create({ experimentId: '0', tags: [] });
 */
export class RunService {
  constructor(
    private readonly store: RunStore,
    private readonly experiments: ExperimentService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    /** Receives metrics logged with a `modelId` (spec §3: they feed the logged model's `data.metrics`). */
    private readonly onModelMetrics?: (run: RunInfoRecord, metrics: MetricRecord[]) => Promise<void>,
  ) {}

  async create(command: CreateRunCommand): Promise<RunRecord> {
    const experiment = await this.experiments.getActive(command.experimentId || DEFAULT_EXPERIMENT_ID);
    const nameTag = command.tags.filter((t) => t.key === RunTagKey.RUN_NAME).at(-1)?.value;
    const name = command.runName || nameTag || generateRunName();
    const runId = this.ids.hex32();
    return this.store.createRun({
      runId,
      experimentId: experiment.experimentId,
      name,
      userId: command.userId ?? '',
      startTime: command.startTime ?? this.clock.now(),
      artifactUri: appendToUri(experiment.artifactLocation, runId, 'artifacts'),
      tags: [...command.tags.filter((t) => t.key !== RunTagKey.RUN_NAME), { key: RunTagKey.RUN_NAME, value: name }],
    });
  }

  async get(runId: string): Promise<RunRecord> {
    const run = await this.store.getRun(runId);
    if (!run) throw ApiError.notFound(`Run with id=${runId} not found`);
    return run;
  }

  /** The run's info; RESOURCE_DOES_NOT_EXIST when unknown. */
  async getInfo(runId: string): Promise<RunInfoRecord> {
    const info = await this.store.getRunInfo(runId);
    if (!info) throw ApiError.notFound(`Run with id=${runId} not found`);
    return info;
  }

  private async getActiveInfo(runId: string): Promise<RunInfoRecord> {
    const info = await this.getInfo(runId);
    if (info.lifecycleStage !== 'active') {
      throw ApiError.invalid(`The run ${info.runId} must be in the 'active' state. Current state is ${info.lifecycleStage}.`);
    }
    return info;
  }

  async update(command: UpdateRunCommand): Promise<RunInfoRecord> {
    const info = await this.getActiveInfo(command.runId);
    const patch: { status?: RunStatus; endTime?: number; runName?: string } = {};
    if (command.status !== undefined) patch.status = command.status;
    if (command.endTime !== undefined) patch.endTime = command.endTime;
    if (command.runName) patch.runName = command.runName;
    return this.store.updateRunInfo(info.runId, patch);
  }

  async delete(runId: string): Promise<void> {
    const info = await this.getInfo(runId);
    await this.store.setRunLifecycle(info.runId, 'deleted', this.clock.now());
  }

  async restore(runId: string): Promise<void> {
    const info = await this.getInfo(runId);
    await this.store.setRunLifecycle(info.runId, 'active', this.clock.now());
  }

  async logMetric(runId: string, metric: MetricRecord): Promise<void> {
    const info = await this.getActiveInfo(runId);
    await this.store.logBatch(info.runId, { metrics: [metric], params: [], tags: [] });
    if (metric.modelId) await this.onModelMetrics?.(info, [metric]);
  }

  async logParam(runId: string, param: KeyValue): Promise<void> {
    const info = await this.getActiveInfo(runId);
    await this.store.logBatch(info.runId, { metrics: [], params: [param], tags: [] });
  }

  async setTag(runId: string, tag: KeyValue): Promise<void> {
    const info = await this.getActiveInfo(runId);
    await this.store.logBatch(info.runId, { metrics: [], params: [], tags: [tag] });
    if (tag.key === RunTagKey.RUN_NAME) await this.store.updateRunInfo(info.runId, { runName: tag.value });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    const info = await this.getActiveInfo(runId);
    const deleted = await this.store.deleteRunTag(info.runId, key);
    if (!deleted) throw ApiError.notFound(`No tag with name: ${key} in run with id ${info.runId}`);
  }

  async logBatch(command: LogBatchCommand): Promise<void> {
    const info = await this.getActiveInfo(command.runId);
    const { metrics, params, tags } = command;
    await this.store.logBatch(info.runId, { metrics, params, tags });
    if (metrics.some((m) => m.modelId)) await this.onModelMetrics?.(info, metrics);
    const nameTag = tags.filter((tag) => tag.key === RunTagKey.RUN_NAME).at(-1);
    if (nameTag) await this.store.updateRunInfo(info.runId, { runName: nameTag.value });
  }

  /** Appends a model (MLflow 2's `log_model`, checked by the edge) to the run's `mlflow.log-model.history` tag. */
  async logModel(runId: string, model: Record<string, unknown>): Promise<void> {
    const info = await this.getActiveInfo(runId);
    const run = await this.get(info.runId);
    const previous = run.data.tags.find((t) => t.key === LOGGED_MODELS_TAG)?.value;
    let history: unknown[] = [];
    if (previous) {
      try {
        const parsed: unknown = JSON.parse(previous);
        if (Array.isArray(parsed)) history = parsed;
      } catch {
        history = [];
      }
    }
    const value = JSON.stringify([...history, model]);
    // The history grows with each model, so only the stored tag tells whether it still fits.
    if (value.length > TRACKING_LIMITS.runTagValueLength) {
      throw ApiError.invalid(
        `'tag '${LOGGED_MODELS_TAG}'' exceeds the maximum length of ${TRACKING_LIMITS.runTagValueLength} characters (got ${value.length}).`,
      );
    }
    await this.store.logBatch(info.runId, { metrics: [], params: [], tags: [{ key: LOGGED_MODELS_TAG, value }] });
  }

  async logInputs(runId: string, datasets: DatasetInputRecord[], modelIds: string[]): Promise<void> {
    const info = await this.getActiveInfo(runId);
    await this.store.logInputs(info.runId, info.experimentId, datasets, modelIds);
  }

  async logOutputs(runId: string, models: { modelId: string; step: number }[]): Promise<void> {
    const info = await this.getActiveInfo(runId);
    await this.store.logOutputs(info.runId, models);
  }

  async search(command: SearchRunsCommand): Promise<{ runs: RunRecord[]; nextPageToken?: string }> {
    const page = pageRequest(command.pageToken, maxResults(command.maxResults, 1000, 50_000));
    const result = await this.store.searchRuns({
      experimentIds: command.experimentIds,
      viewType: command.viewType ?? 'ACTIVE_ONLY',
      filter: parseRunFilter(command.filter),
      orderBy: parseRunOrderBy(command.orderBy),
      page,
    });
    const token = nextPageToken(page, result.hasMore);
    return token ? { runs: result.items, nextPageToken: token } : { runs: result.items };
  }

  async metricHistory(command: MetricHistoryCommand): Promise<{ metrics: MetricRecord[]; nextPageToken?: string }> {
    await this.getInfo(command.runId);
    const paged = command.maxResults !== undefined || command.pageToken;
    const page = paged ? pageRequest(command.pageToken, maxResults(command.maxResults, 25_000, 25_000)) : undefined;
    const result = await this.store.getMetricHistory(command.runId, command.metricKey, page);
    const token = page ? nextPageToken(page, result.hasMore) : undefined;
    return token ? { metrics: result.items, nextPageToken: token } : { metrics: result.items };
  }

  /** MLflow's get-history-bulk-interval: steps sampled evenly over all runs, each run's first and last kept. */
  async metricHistoryBulkInterval(command: MetricHistoryBulkIntervalCommand): Promise<RunMetricRecord[]> {
    const points = await this.store.getMetricHistories(command.runIds, command.metricKey, command.steps);
    return sampleMetricHistories(command.runIds, points, command.maxResults ?? 2500);
  }

  /** The UI's get-history-bulk: every point of each run, in the order the runs were asked for, at most `maxResults`. */
  async metricHistoryBulk(command: { runIds: string[]; metricKey: string; maxResults?: number | undefined }): Promise<RunMetricRecord[]> {
    const limit = maxResults(command.maxResults, 25_000, 25_000);
    const points = await this.store.getMetricHistories(command.runIds, command.metricKey);
    const order = new Map(command.runIds.map((id, i) => [id, i]));
    points.sort((a, b) => (order.get(a.runId) ?? 0) - (order.get(b.runId) ?? 0) || a.timestamp - b.timestamp || a.step - b.step || a.value - b.value);
    return points.slice(0, limit);
  }

  async searchDatasets(experimentIds: string[]): Promise<DatasetSummaryRecord[]> {
    return this.store.searchDatasets(experimentIds);
  }
}
