import { ApiError, parseRunFilter, parseRunOrderBy, type DatasetInput, type Metric, type RequestOf, type Run, type RunInfo } from '@loupe/protocol';
import type { TrackingRequests as R } from '@loupe/protocol';
import type { MetricPoint, RunStore } from '../store/tracking-store.js';
import type { Clock, IdGenerator } from './clock.js';
import type { ExperimentService } from './experiment-service.js';
import { sampleMetricHistories } from './metric-sampling.js';
import { maxResults, nextPageToken, pageRequest } from './pagination.js';
import { generateRunName } from './run-names.js';
import { appendToUri, LIMITS, requestKeyValues, uniqueParams, validateKey, validateLength, validateParams, validateRunTags } from './validation.js';

const RUN_NAME_TAG = 'mlflow.runName';
const LOGGED_MODELS_TAG = 'mlflow.log-model.history';

type MetricRequest = RequestOf<typeof R.MetricInput>;

function requireRunId(req: { run_id?: string; run_uuid?: string }): string {
  const id = req.run_id || req.run_uuid;
  if (!id) throw ApiError.missing('run_id');
  return id;
}

function toMetricPoint(m: MetricRequest): MetricPoint {
  if (!m.key) throw ApiError.missing('key');
  if (m.value === undefined) throw ApiError.missing('value');
  if (m.timestamp === undefined) throw ApiError.missing('timestamp');
  if (m.timestamp < 0) throw ApiError.invalid(`Invalid value ${m.timestamp} for parameter 'timestamp' supplied: it must be a non-negative integer.`);
  validateKey('metric', m.key);
  const point: MetricPoint = { key: m.key, value: m.value, timestamp: m.timestamp, step: m.step ?? 0 };
  if (m.model_id) point.model_id = m.model_id;
  if (m.dataset_name) point.dataset_name = m.dataset_name;
  if (m.dataset_digest) point.dataset_digest = m.dataset_digest;
  return point;
}

/**
 * Run use cases (spec §2.3 - §2.5): lifecycle, write-once params, metric history, batch limits,
 * inputs/outputs, search.
 *
 * @example
 * const run = await runs.create({ experiment_id: '0', tags: [] });
 */
export class RunService {
  constructor(
    private readonly store: RunStore,
    private readonly experiments: ExperimentService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    /** Receives metrics logged with a `model_id` (spec §3: they feed the logged model's `data.metrics`). */
    private readonly onModelMetrics?: (run: RunInfo, metrics: MetricPoint[]) => Promise<void>,
  ) {}

  async create(req: RequestOf<typeof R.CreateRun>): Promise<Run> {
    const experiment = await this.experiments.getActive(req.experiment_id || '0');
    const tags = requestKeyValues(req.tags, 'tags');
    validateRunTags(tags);
    const nameTag = tags.filter((t) => t.key === RUN_NAME_TAG).at(-1)?.value;
    if (req.run_name && nameTag !== undefined && req.run_name !== nameTag) {
      throw ApiError.invalid(
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${req.run_name}', mlflow.runName='${nameTag}').`,
      );
    }
    const name = req.run_name || nameTag || generateRunName();
    const runId = this.ids.hex32();
    return this.store.createRun({
      runId,
      experimentId: experiment.experimentId,
      name,
      userId: req.user_id ?? '',
      startTime: req.start_time ?? this.clock.now(),
      artifactUri: appendToUri(experiment.artifactLocation, runId, 'artifacts'),
      tags: [...tags.filter((t) => t.key !== RUN_NAME_TAG), { key: RUN_NAME_TAG, value: name }],
    });
  }

  async get(req: { run_id?: string; run_uuid?: string }): Promise<Run> {
    const runId = requireRunId(req);
    const run = await this.store.getRun(runId);
    if (!run) throw ApiError.notFound(`Run with id=${runId} not found`);
    return run;
  }

  /** The run's info; RESOURCE_DOES_NOT_EXIST when unknown. */
  async getInfo(runId: string): Promise<RunInfo> {
    const info = await this.store.getRunInfo(runId);
    if (!info) throw ApiError.notFound(`Run with id=${runId} not found`);
    return info;
  }

  private async getActiveInfo(req: { run_id?: string; run_uuid?: string }): Promise<RunInfo> {
    const info = await this.getInfo(requireRunId(req));
    if (info.lifecycle_stage !== 'active') {
      throw ApiError.invalid(`The run ${info.run_id} must be in the 'active' state. Current state is ${info.lifecycle_stage}.`);
    }
    return info;
  }

  async update(req: RequestOf<typeof R.UpdateRun>): Promise<{ run_info: RunInfo }> {
    const info = await this.getActiveInfo(req);
    if (req.run_name !== undefined) validateLength('run_name', req.run_name, LIMITS.runTagValueLength);
    const patch: { status?: RunInfo['status']; endTime?: number; runName?: string } = {};
    if (req.status !== undefined) patch.status = req.status;
    if (req.end_time !== undefined) patch.endTime = req.end_time;
    if (req.run_name) patch.runName = req.run_name;
    return { run_info: await this.store.updateRunInfo(info.run_id, patch) };
  }

  async delete(req: { run_id?: string; run_uuid?: string }): Promise<void> {
    const info = await this.getInfo(requireRunId(req));
    await this.store.setRunLifecycle(info.run_id, 'deleted', this.clock.now());
  }

  async restore(req: { run_id?: string; run_uuid?: string }): Promise<void> {
    const info = await this.getInfo(requireRunId(req));
    await this.store.setRunLifecycle(info.run_id, 'active', this.clock.now());
  }

  async logMetric(req: RequestOf<typeof R.LogMetric>): Promise<void> {
    const point = toMetricPoint(req);
    const info = await this.getActiveInfo(req);
    await this.store.logBatch(info.run_id, { metrics: [point], params: [], tags: [] });
    if (point.model_id) await this.onModelMetrics?.(info, [point]);
  }

  async logParam(req: RequestOf<typeof R.LogParam>): Promise<void> {
    if (!req.key) throw ApiError.missing('key');
    const params = [{ key: req.key, value: req.value ?? '' }];
    validateParams(params);
    const info = await this.getActiveInfo(req);
    await this.store.logBatch(info.run_id, { metrics: [], params, tags: [] });
  }

  async setTag(req: RequestOf<typeof R.SetTag>): Promise<void> {
    if (!req.key) throw ApiError.missing('key');
    const tags = [{ key: req.key, value: req.value ?? '' }];
    validateRunTags(tags);
    const info = await this.getActiveInfo(req);
    await this.store.logBatch(info.run_id, { metrics: [], params: [], tags });
    if (req.key === RUN_NAME_TAG) await this.store.updateRunInfo(info.run_id, { runName: tags[0]?.value ?? '' });
  }

  async deleteTag(req: RequestOf<typeof R.DeleteTag>): Promise<void> {
    if (!req.key) throw ApiError.missing('key');
    const info = await this.getActiveInfo(req);
    const deleted = await this.store.deleteRunTag(info.run_id, req.key);
    if (!deleted) throw ApiError.notFound(`No tag with name: ${req.key} in run with id ${info.run_id}`);
  }

  async logBatch(req: RequestOf<typeof R.LogBatch>, requestBytes: number): Promise<void> {
    if (requestBytes > LIMITS.batchRequestBytes) {
      throw ApiError.invalid(`Batched logging API requests must be at most ${LIMITS.batchRequestBytes} bytes, got a request of ${requestBytes} bytes.`);
    }
    const { metrics: m, params: p, tags: t } = req;
    if (m.length > LIMITS.batchMetrics)
      throw ApiError.invalid(`A batch logging request can contain at most ${LIMITS.batchMetrics} metrics. Got ${m.length} metrics.`);
    if (p.length > LIMITS.batchParams)
      throw ApiError.invalid(`A batch logging request can contain at most ${LIMITS.batchParams} params. Got ${p.length} params.`);
    if (t.length > LIMITS.batchTags) throw ApiError.invalid(`A batch logging request can contain at most ${LIMITS.batchTags} tags. Got ${t.length} tags.`);
    const total = m.length + p.length + t.length;
    if (total > LIMITS.batchTotal) {
      throw ApiError.invalid(`A batch logging request can contain at most ${LIMITS.batchTotal} total metrics, params, and tags. Got ${total}.`);
    }
    const metrics = m.map(toMetricPoint);
    const params = requestKeyValues(p, 'params');
    const tags = requestKeyValues(t, 'tags');
    validateParams(params);
    validateRunTags(tags);
    const unique = uniqueParams(params);
    const info = await this.getActiveInfo(req);
    await this.store.logBatch(info.run_id, { metrics, params: unique, tags });
    if (metrics.some((m) => m.model_id)) await this.onModelMetrics?.(info, metrics);
    const nameTag = tags.filter((tag) => tag.key === RUN_NAME_TAG).at(-1);
    if (nameTag) await this.store.updateRunInfo(info.run_id, { runName: nameTag.value });
  }

  async logModel(req: RequestOf<typeof R.LogModel>): Promise<void> {
    if (!req.model_json) throw ApiError.missing('model_json');
    let model: unknown;
    try {
      model = JSON.parse(req.model_json);
    } catch {
      throw ApiError.invalid(`Malformed model info. 'model_json' is not valid JSON.`);
    }
    if (!model || typeof model !== 'object' || Array.isArray(model)) throw ApiError.invalid(`Malformed model info. 'model_json' must be a JSON object.`);
    const missing = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'].filter((k) => !(k in model));
    if (missing.length > 0) throw ApiError.invalid(`Model json is missing mandatory fields: [${missing.map((k) => `'${k}'`).join(', ')}]`);
    const info = await this.getActiveInfo(req);
    const run = await this.get({ run_id: info.run_id });
    const previous = run.data.tags?.find((t) => t.key === LOGGED_MODELS_TAG)?.value;
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
    validateLength(`tag '${LOGGED_MODELS_TAG}'`, value, LIMITS.runTagValueLength);
    await this.store.logBatch(info.run_id, { metrics: [], params: [], tags: [{ key: LOGGED_MODELS_TAG, value }] });
  }

  async logInputs(req: RequestOf<typeof R.LogInputs>): Promise<void> {
    const datasets: DatasetInput[] = req.datasets.map((d, i) => {
      const ds = d.dataset;
      if (!ds) throw ApiError.missing(`datasets[${i}].dataset`);
      for (const field of ['name', 'digest', 'source_type', 'source'] as const) {
        if (!ds[field]) throw ApiError.missing(`datasets[${i}].dataset.${field}`);
      }
      validateLength('dataset.name', ds.name ?? '', LIMITS.datasetNameLength);
      validateLength('dataset.digest', ds.digest ?? '', LIMITS.datasetDigestLength);
      validateLength('dataset.source', ds.source ?? '', LIMITS.datasetSourceLength);
      if (ds.schema) validateLength('dataset.schema', ds.schema, LIMITS.datasetSchemaLength);
      if (ds.profile) validateLength('dataset.profile', ds.profile, LIMITS.datasetProfileLength);
      const tags = d.tags.map((t) => {
        if (!t.key) throw ApiError.missing(`datasets[${i}].tags.key`);
        validateLength('input tag key', t.key, LIMITS.inputTagKeyLength);
        validateLength('input tag value', t.value ?? '', LIMITS.inputTagValueLength);
        return { key: t.key, value: t.value ?? '' };
      });
      const dataset: DatasetInput['dataset'] = { name: ds.name ?? '', digest: ds.digest ?? '', source_type: ds.source_type ?? '', source: ds.source ?? '' };
      if (ds.schema) dataset.schema = ds.schema;
      if (ds.profile) dataset.profile = ds.profile;
      return { tags, dataset };
    });
    const modelIds = req.models.map((m, i) => {
      if (!m.model_id) throw ApiError.missing(`models[${i}].model_id`);
      return m.model_id;
    });
    const info = await this.getActiveInfo(req);
    await this.store.logInputs(info.run_id, info.experiment_id, datasets, modelIds);
  }

  async logOutputs(req: RequestOf<typeof R.LogOutputs>): Promise<void> {
    const models = req.models.map((m, i) => {
      if (!m.model_id) throw ApiError.missing(`models[${i}].model_id`);
      return { modelId: m.model_id, step: m.step ?? 0 };
    });
    const info = await this.getActiveInfo(req);
    await this.store.logOutputs(info.run_id, models);
  }

  async search(req: RequestOf<typeof R.SearchRuns>): Promise<{ runs: Run[]; next_page_token?: string }> {
    const page = pageRequest(req.page_token, maxResults(req.max_results, 1000, 50_000));
    const result = await this.store.searchRuns({
      experimentIds: req.experiment_ids,
      viewType: req.run_view_type ?? 'ACTIVE_ONLY',
      filter: parseRunFilter(req.filter),
      orderBy: parseRunOrderBy(req.order_by),
      page,
    });
    const token = nextPageToken(page, result.hasMore);
    return token ? { runs: result.items, next_page_token: token } : { runs: result.items };
  }

  async metricHistory(req: RequestOf<typeof R.GetMetricHistory>): Promise<{ metrics: Metric[]; next_page_token?: string }> {
    const runId = requireRunId(req);
    if (!req.metric_key) throw ApiError.missing('metric_key');
    await this.getInfo(runId);
    const page = req.max_results !== undefined || req.page_token ? pageRequest(req.page_token, maxResults(req.max_results, 25_000, 25_000)) : undefined;
    const result = await this.store.getMetricHistory(runId, req.metric_key, page);
    const token = page ? nextPageToken(page, result.hasMore) : undefined;
    return token ? { metrics: result.items, next_page_token: token } : { metrics: result.items };
  }

  async metricHistoryBulkInterval(req: RequestOf<typeof R.GetMetricHistoryBulkInterval>): Promise<{ metrics: Metric[] }> {
    if (req.run_ids.length === 0) throw ApiError.missing('run_ids');
    if (req.run_ids.length > 100)
      throw ApiError.invalid(`GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received ${req.run_ids.length} run_ids.`);
    if (!req.metric_key) throw ApiError.missing('metric_key');
    if ((req.start_step === undefined) !== (req.end_step === undefined)) {
      throw ApiError.invalid('If either start step or end step are specified, both must be specified.');
    }
    if (req.start_step !== undefined && req.end_step !== undefined && req.start_step > req.end_step) {
      throw ApiError.invalid(`end_step must be greater than start_step. Found start_step=${req.start_step} and end_step=${req.end_step}.`);
    }
    const limit = req.max_results ?? 2500;
    if (limit < 1 || limit > 2500) throw ApiError.invalid(`max_results must be between 1 and 2500. Received ${limit}.`);
    const range = req.start_step !== undefined && req.end_step !== undefined ? { startStep: req.start_step, endStep: req.end_step } : undefined;
    const points = await this.store.getMetricHistories(req.run_ids, req.metric_key, range);
    return { metrics: sampleMetricHistories(req.run_ids, points, limit) };
  }

  async metricHistoryBulk(req: RequestOf<typeof R.GetMetricHistoryBulk>): Promise<{ metrics: Metric[] }> {
    if (req.run_id.length === 0) throw ApiError.missing('run_id');
    if (req.run_id.length > 100)
      throw ApiError.invalid(`GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received ${req.run_id.length} run_ids.`);
    if (!req.metric_key) throw ApiError.missing('metric_key');
    const limit = maxResults(req.max_results, 25_000, 25_000);
    const points = await this.store.getMetricHistories(req.run_id, req.metric_key);
    const order = new Map(req.run_id.map((id, i) => [id, i]));
    points.sort(
      (a, b) => (order.get(a.run_id ?? '') ?? 0) - (order.get(b.run_id ?? '') ?? 0) || a.timestamp - b.timestamp || a.step - b.step || a.value - b.value,
    );
    return { metrics: points.slice(0, limit) };
  }

  async searchDatasets(req: RequestOf<typeof R.SearchDatasets>) {
    if (req.experiment_ids.length === 0) throw ApiError.missing('experiment_ids');
    if (req.experiment_ids.length > 20)
      throw ApiError.invalid(`SearchDatasets request cannot specify more than 20 experiment_ids. Received ${req.experiment_ids.length} experiment_ids.`);
    return { dataset_summaries: await this.store.searchDatasets(req.experiment_ids) };
  }
}
