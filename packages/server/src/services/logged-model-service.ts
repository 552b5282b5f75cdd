import { ApiError, parseLoggedModelFilter, parseLoggedModelOrderByField, type KeyValue, type LoggedModelStatus } from '@loupe/protocol';
import type { DatasetFilter, LoggedModelOrderBy, LoggedModelRecord, LoggedModelStore } from '../store/logged-model-store.js';
import type { MetricRecord, RunInfoRecord } from '../store/tracking-store.js';
import type { Clock, IdGenerator } from '../clock.js';
import type { ExperimentService } from './experiment-service.js';
import { maxResults, nextPageToken, pageRequest } from './pagination.js';
import { generateRunName } from './run-names.js';
import { appendToUri } from './validation.js';

/** Default and hard limit of SearchLoggedModels' `max_results` (spec §1.5; MLflow's search threshold). */
const SEARCH_DEFAULT = 50;
const SEARCH_MAX = 50_000;

function notFound(modelId: string): ApiError {
  return ApiError.notFound(`Logged model with ID '${modelId}' not found.`);
}

/** Creates a logged model; the edge has checked the name, params (unique keys) and tags (spec §3). */
export interface CreateLoggedModelCommand {
  experimentId: string;
  /** Unset or empty: a generated name. */
  name?: string | undefined;
  modelType?: string | undefined;
  sourceRunId?: string | undefined;
  params: KeyValue[];
  tags: KeyValue[];
}

/** One `order_by` entry of SearchLoggedModels, its field name not yet parsed. */
export interface LoggedModelOrderByCommand {
  fieldName: string;
  ascending?: boolean | undefined;
  datasetName?: string | undefined;
  datasetDigest?: string | undefined;
}

/** Searches logged models (spec §3, §9.6); `datasets` limit which metrics filters and ordering see. */
export interface SearchLoggedModelsCommand {
  experimentIds: string[];
  filter?: string | undefined;
  datasets: DatasetFilter[];
  orderBy: LoggedModelOrderByCommand[];
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

/**
 * Logged-model use cases (spec §3): creation under an active experiment with MLflow's naming and
 * artifact layout, finalization, soft deletion, immutable params, tags, search, and the metrics
 * runs log against a model.
 *
 * @example
 * const models = new LoggedModelService(store, experiments, clock, ids);
 * const model = await models.create({ experimentId: '1', params: [], tags: [] });
 */
export class LoggedModelService {
  constructor(
    private readonly store: LoggedModelStore,
    private readonly experiments: ExperimentService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async create(command: CreateLoggedModelCommand): Promise<LoggedModelRecord> {
    const experiment = await this.experiments.getActive(command.experimentId);
    const modelId = `m-${this.ids.hex32()}`;
    return this.store.createLoggedModel({
      modelId,
      experimentId: experiment.experimentId,
      name: command.name || generateRunName(),
      artifactLocation: appendToUri(experiment.artifactLocation, 'models', modelId, 'artifacts'),
      ...(command.modelType ? { modelType: command.modelType } : {}),
      ...(command.sourceRunId ? { sourceRunId: command.sourceRunId } : {}),
      params: command.params,
      tags: command.tags,
      now: this.clock.now(),
    });
  }

  /** A model; a deleted one only with `allowDeleted` (MLflow's `allow_deleted` query flag). */
  async get(modelId: string, allowDeleted = false): Promise<LoggedModelRecord> {
    const model = await this.store.getLoggedModel(modelId, { includeDeleted: allowDeleted });
    if (!model) throw notFound(modelId);
    return model;
  }

  /** Sets a final status (the edge allows READY and UPLOAD_FAILED only). */
  async finalize(modelId: string, status: LoggedModelStatus): Promise<LoggedModelRecord> {
    // Like MLflow, writes reach a model whatever its lifecycle; only reads hide deleted models.
    await this.get(modelId, true);
    await this.store.finalizeLoggedModel(modelId, status, this.clock.now());
    return this.get(modelId, true);
  }

  async delete(modelId: string): Promise<void> {
    const model = await this.get(modelId, true);
    await this.store.deleteLoggedModel(model.modelId, this.clock.now());
  }

  async setTags(modelId: string, tags: KeyValue[]): Promise<void> {
    const model = await this.get(modelId, true);
    if (tags.length > 0) await this.store.setLoggedModelTags(model.modelId, tags);
  }

  async deleteTag(modelId: string, key: string): Promise<void> {
    const model = await this.get(modelId, true);
    const deleted = await this.store.deleteLoggedModelTag(model.modelId, key);
    if (!deleted) throw ApiError.notFound(`No tag with key '${key}' found for logged model with ID '${model.modelId}'.`);
  }

  /** Logs params (unique keys, checked by the edge); a key logged before with another value is refused. */
  async logParams(modelId: string, params: KeyValue[]): Promise<void> {
    const model = await this.get(modelId, true);
    if (params.length > 0) await this.store.logLoggedModelParams(model.modelId, params);
  }

  async search(command: SearchLoggedModelsCommand): Promise<{ models: LoggedModelRecord[]; nextPageToken?: string }> {
    const page = pageRequest(command.pageToken, maxResults(command.maxResults, SEARCH_DEFAULT, SEARCH_MAX));
    const orderBy = command.orderBy.map(toOrderBy);
    const result = await this.store.searchLoggedModels({
      experimentIds: command.experimentIds,
      filter: parseLoggedModelFilter(command.filter),
      datasets: command.datasets,
      orderBy,
      page,
    });
    const token = nextPageToken(page, result.hasMore);
    return token ? { models: result.items, nextPageToken: token } : { models: result.items };
  }

  /**
   * Records metrics a run logged with a `model_id` (LogMetric / LogBatch) on their models, after the
   * run's own write (MLflow's order). Every model named must exist, deleted or not.
   *
   * @example
   * await loggedModels.logRunMetrics(runInfo, [{ key: 'acc', value: 0.9, timestamp, step: 0, modelId }]);
   */
  async logRunMetrics(run: RunInfoRecord, metrics: MetricRecord[]): Promise<void> {
    const forModels = metrics.filter((m) => m.modelId);
    if (forModels.length === 0) return;
    const wanted = [...new Set(forModels.map((m) => m.modelId ?? ''))];
    const found = await this.store.findLoggedModelIds(wanted);
    const missing = wanted.find((id) => !found.has(id));
    if (missing !== undefined) throw notFound(missing);
    await this.store.logLoggedModelMetrics({ runId: run.runId, experimentId: run.experimentId }, forModels);
  }
}

/** An order_by entry with its field parsed; dataset restrictions only apply to metrics. */
function toOrderBy(o: LoggedModelOrderByCommand): LoggedModelOrderBy {
  const field = parseLoggedModelOrderByField(o.fieldName);
  if ((o.datasetName || o.datasetDigest) && field.entity !== 'metric') {
    throw ApiError.invalid(`\`dataset_name\` and \`dataset_digest\` in the \`order_by\` clause only apply to \`metrics.<name>\` fields, got '${o.fieldName}'.`);
  }
  return {
    entity: field.entity,
    key: field.key,
    ascending: o.ascending ?? true,
    ...(o.datasetName ? { datasetName: o.datasetName } : {}),
    ...(o.datasetDigest ? { datasetDigest: o.datasetDigest } : {}),
  };
}
