import {
  ApiError,
  parseLoggedModelFilter,
  parseLoggedModelOrderByField,
  type KeyValue,
  type LoggedModel,
  type LoggedModelRequests as R,
  type RequestOf,
  type RunInfo,
} from '@loupe/protocol';
import type { DatasetFilter, LoggedModelOrderBy, LoggedModelStore } from '../store/logged-model-store.js';
import type { MetricPoint } from '../store/tracking-store.js';
import type { Clock, IdGenerator } from './clock.js';
import type { ExperimentService } from './experiment-service.js';
import { maxResults, nextPageToken, pageRequest } from './pagination.js';
import { generateRunName } from './run-names.js';
import { appendToUri, LIMITS, requestKeyValues, uniqueParams, validateLength, validateParams, validateRunTags } from './validation.js';

/** Characters MLflow refuses in a logged model's name (they would break `models:/` URIs and paths). */
const FORBIDDEN_NAME_CHARS = ['/', ':', '.', '%', '"', "'"];

/** Statuses FinalizeLoggedModel accepts (spec §3). */
const FINAL_STATUSES = new Set(['LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED']);

/** Default and hard limit of SearchLoggedModels' `max_results` (spec §1.5; MLflow's search threshold). */
const SEARCH_DEFAULT = 50;
const SEARCH_MAX = 50_000;

function notFound(modelId: string): ApiError {
  return ApiError.notFound(`Logged model with ID '${modelId}' not found.`);
}

function requireModelId(modelId: string | undefined): string {
  if (!modelId) throw ApiError.missing('model_id');
  return modelId;
}

/** Validated params of a request, each key once. */
function requestParams(list: { key?: string; value?: string }[]): KeyValue[] {
  const params = requestKeyValues(list, 'params');
  validateParams(params);
  return uniqueParams(params);
}

/**
 * Checks a client-given logged model name: non-empty, at most 500 characters, none of MLflow's
 * forbidden characters.
 *
 * @example
 * validateLoggedModelName('classifier-v2'); // ok
 * validateLoggedModelName('a/b'); // throws INVALID_PARAMETER_VALUE
 */
export function validateLoggedModelName(name: string): void {
  if (name.trim() === '' || FORBIDDEN_NAME_CHARS.some((c) => name.includes(c))) {
    throw ApiError.invalid(
      `Invalid model name '${name}' provided. Model name must be a non-empty string and cannot contain the following characters: ${FORBIDDEN_NAME_CHARS.map((c) => `'${c}'`).join(', ')}.`,
    );
  }
  // MLflow's logged_models.name column holds 500 characters, the experiment-name limit.
  validateLength('name', name, LIMITS.experimentNameLength);
}

/**
 * Logged-model use cases (spec §3): creation under an active experiment with MLflow's naming and
 * artifact layout, finalization, soft deletion, immutable params, tags, search, and the metrics
 * runs log against a model.
 *
 * @example
 * const models = new LoggedModelService(store, experiments, clock, ids);
 * const model = await models.create({ experiment_id: '1', params: [], tags: [] });
 */
export class LoggedModelService {
  constructor(
    private readonly store: LoggedModelStore,
    private readonly experiments: ExperimentService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async create(req: RequestOf<typeof R.CreateLoggedModel>): Promise<LoggedModel> {
    if (!req.experiment_id) throw ApiError.missing('experiment_id');
    // MLflow's handler treats an empty name as absent and generates one.
    if (req.name) validateLoggedModelName(req.name);
    const params = requestParams(req.params);
    const tags = requestKeyValues(req.tags, 'tags');
    validateRunTags(tags);
    const experiment = await this.experiments.getActive(req.experiment_id);
    const modelId = `m-${this.ids.hex32()}`;
    return this.store.createLoggedModel({
      modelId,
      experimentId: experiment.experimentId,
      name: req.name || generateRunName(),
      artifactLocation: appendToUri(experiment.artifactLocation, 'models', modelId, 'artifacts'),
      ...(req.model_type ? { modelType: req.model_type } : {}),
      ...(req.source_run_id ? { sourceRunId: req.source_run_id } : {}),
      params,
      tags,
      now: this.clock.now(),
    });
  }

  /** A model; a deleted one only with `allowDeleted` (MLflow's `allow_deleted` query flag). */
  async get(modelId: string | undefined, allowDeleted = false): Promise<LoggedModel> {
    const id = requireModelId(modelId);
    const model = await this.store.getLoggedModel(id, { includeDeleted: allowDeleted });
    if (!model) throw notFound(id);
    return model;
  }

  async finalize(req: RequestOf<typeof R.FinalizeLoggedModel>): Promise<LoggedModel> {
    const id = requireModelId(req.model_id);
    if (req.status === undefined) throw ApiError.missing('status');
    if (!FINAL_STATUSES.has(req.status)) {
      throw ApiError.invalid(
        `Invalid value "${req.status}" for parameter 'status' supplied: a logged model is finalized as LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.`,
      );
    }
    // Like MLflow, writes reach a model whatever its lifecycle; only reads hide deleted models.
    await this.get(id, true);
    await this.store.finalizeLoggedModel(id, req.status, this.clock.now());
    return this.get(id, true);
  }

  async delete(req: RequestOf<typeof R.LoggedModelIdOnly>): Promise<void> {
    const model = await this.get(req.model_id, true);
    await this.store.deleteLoggedModel(model.info.model_id, this.clock.now());
  }

  async setTags(req: RequestOf<typeof R.SetLoggedModelTags>): Promise<void> {
    const tags = requestKeyValues(req.tags, 'tags');
    validateRunTags(tags);
    const model = await this.get(req.model_id, true);
    if (tags.length > 0) await this.store.setLoggedModelTags(model.info.model_id, tags);
  }

  async deleteTag(req: RequestOf<typeof R.DeleteLoggedModelTag>): Promise<void> {
    if (!req.tag_key) throw ApiError.missing('tag_key');
    const model = await this.get(req.model_id, true);
    const deleted = await this.store.deleteLoggedModelTag(model.info.model_id, req.tag_key);
    if (!deleted) throw ApiError.notFound(`No tag with key '${req.tag_key}' found for logged model with ID '${model.info.model_id}'.`);
  }

  async logParams(req: RequestOf<typeof R.LogLoggedModelParams>): Promise<void> {
    const params = requestParams(req.params);
    const model = await this.get(req.model_id, true);
    if (params.length > 0) await this.store.logLoggedModelParams(model.info.model_id, params);
  }

  async search(req: RequestOf<typeof R.SearchLoggedModels>): Promise<{ models: LoggedModel[]; next_page_token?: string }> {
    if (req.experiment_ids.length === 0) throw ApiError.missing('experiment_ids');
    const page = pageRequest(req.page_token, maxResults(req.max_results, SEARCH_DEFAULT, SEARCH_MAX));
    const datasets: DatasetFilter[] = req.datasets.map((d) => {
      if (!d.dataset_name) throw ApiError.invalid('`dataset_name` in the `datasets` clause must be specified.');
      return d.dataset_digest ? { datasetName: d.dataset_name, datasetDigest: d.dataset_digest } : { datasetName: d.dataset_name };
    });
    const orderBy = req.order_by.map(toOrderBy);
    const result = await this.store.searchLoggedModels({
      experimentIds: req.experiment_ids,
      filter: parseLoggedModelFilter(req.filter),
      datasets,
      orderBy,
      page,
    });
    const token = nextPageToken(page, result.hasMore);
    return token ? { models: result.items, next_page_token: token } : { models: result.items };
  }

  /**
   * Records metrics a run logged with a `model_id` (LogMetric / LogBatch) on their models, after the
   * run's own write (MLflow's order). Every model named must exist, deleted or not.
   *
   * @example
   * await loggedModels.logRunMetrics(runInfo, [{ key: 'acc', value: 0.9, timestamp, step: 0, model_id }]);
   */
  async logRunMetrics(run: RunInfo, metrics: MetricPoint[]): Promise<void> {
    const forModels = metrics.filter((m) => m.model_id);
    if (forModels.length === 0) return;
    const wanted = [...new Set(forModels.map((m) => m.model_id ?? ''))];
    const found = await this.store.findLoggedModelIds(wanted);
    const missing = wanted.find((id) => !found.has(id));
    if (missing !== undefined) throw notFound(missing);
    await this.store.logLoggedModelMetrics({ runId: run.run_id, experimentId: run.experiment_id }, forModels);
  }
}

function toOrderBy(o: RequestOf<typeof R.SearchLoggedModels>['order_by'][number]): LoggedModelOrderBy {
  if (!o.field_name) throw ApiError.invalid('`field_name` in the `order_by` clause must be specified.');
  if (o.dataset_digest && !o.dataset_name) throw ApiError.invalid('`dataset_digest` can only be specified if `dataset_name` is also specified.');
  const field = parseLoggedModelOrderByField(o.field_name);
  if ((o.dataset_name || o.dataset_digest) && field.entity !== 'metric') {
    throw ApiError.invalid(
      `\`dataset_name\` and \`dataset_digest\` in the \`order_by\` clause only apply to \`metrics.<name>\` fields, got '${o.field_name}'.`,
    );
  }
  return {
    entity: field.entity,
    key: field.key,
    ascending: o.ascending ?? true,
    ...(o.dataset_name ? { datasetName: o.dataset_name } : {}),
    ...(o.dataset_digest ? { datasetDigest: o.dataset_digest } : {}),
  };
}
