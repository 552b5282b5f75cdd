import { TrackingRequests as R, TrackingResponses as W, TRACKING_LIMITS, type MetricWire } from '@loupe/protocol';
import type { MetricRecord } from '../../store/tracking-store.js';
import { rpc } from '../rpc.js';
import { metricJson, runInfoJson, runJson } from '../wire/tracking-json.js';
import { ref } from '../../auth/access.js';
import { DEFAULT_EXPERIMENT_ID } from '../../services/experiment-service.js';

/** A checked metric point of a request as a record (the step 0 when absent, empty model and dataset fields unset). */
function metricRecord(m: MetricWire): MetricRecord {
  const record: MetricRecord = { key: m.key, value: m.value, timestamp: m.timestamp, step: m.step ?? 0 };
  if (m.model_id) record.modelId = m.model_id;
  if (m.dataset_name) record.datasetName = m.dataset_name;
  if (m.dataset_digest) record.datasetDigest = m.dataset_digest;
  return record;
}

/** Run RPCs (spec §2.3) and metric history (§2.4). */
export const runRoutes = [
  rpc({
    method: 'POST',
    path: '/mlflow/runs/create',
    versions: [2],
    request: R.CreateRun,
    response: W.GetRun,
    // No experiment id: the run goes to the Default experiment ('0'), as the service does.
    access: { edit: (req) => ref.experiment(req.experiment_id || DEFAULT_EXPERIMENT_ID) },
    handle: async (req, { services }) => ({
      run: runJson(
        await services.runs.create({ experimentId: req.experiment_id, userId: req.user_id, runName: req.run_name, startTime: req.start_time, tags: req.tags }),
      ),
    }),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/runs/update',
    versions: [2],
    request: R.UpdateRun,
    response: W.UpdateRun,
    access: { edit: (req) => ref.run(req.run_id) },
    handle: async (req, { services }) => ({
      run_info: runInfoJson(await services.runs.update({ runId: req.run_id, status: req.status, endTime: req.end_time, runName: req.run_name })),
    }),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/runs/delete',
    versions: [2],
    request: R.RunIdOnly,
    response: W.Empty,
    access: { manage: (req) => ref.run(req.run_id) },
    audit: (req) => ({ action: 'run.delete', resourceType: 'run', resourceId: req.run_id }),
    handle: (req, { services }) => services.runs.delete(req.run_id),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/runs/restore',
    versions: [2],
    request: R.RunIdOnly,
    response: W.Empty,
    access: { manage: (req) => ref.run(req.run_id) },
    handle: (req, { services }) => services.runs.restore(req.run_id),
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/runs/get',
    versions: [2],
    request: R.RunIdOnly,
    response: W.GetRun,
    access: { read: (req) => ref.run(req.run_id) },
    handle: async (req, { services }) => ({ run: runJson(await services.runs.get(req.run_id)) }),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/runs/search',
    versions: [2],
    request: R.SearchRuns,
    response: W.SearchRuns,
    access: { read: (req) => ref.experiments(req.experiment_ids) },
    handle: async (req, { services }) => {
      const { runs, nextPageToken } = await services.runs.search({
        experimentIds: req.experiment_ids,
        filter: req.filter,
        orderBy: req.order_by,
        viewType: req.run_view_type,
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      return { runs: runs.map(runJson), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
    },
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/runs/log-metric',
    versions: [2],
    request: R.LogMetric,
    response: W.Empty,
    access: { edit: (req) => ref.run(req.run_id) },
    handle: (req, { services }) => services.runs.logMetric(req.run_id, metricRecord(req)),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/runs/log-parameter',
    versions: [2],
    request: R.LogParam,
    response: W.Empty,
    access: { edit: (req) => ref.run(req.run_id) },
    handle: (req, { services }) => services.runs.logParam(req.run_id, { key: req.key, value: req.value }),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/runs/set-tag',
    versions: [2],
    request: R.SetTag,
    response: W.Empty,
    access: { edit: (req) => ref.run(req.run_id) },
    handle: (req, { services }) => services.runs.setTag(req.run_id, { key: req.key, value: req.value }),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/runs/delete-tag',
    versions: [2],
    request: R.DeleteTag,
    response: W.Empty,
    access: { edit: (req) => ref.run(req.run_id) },
    handle: (req, { services }) => services.runs.deleteTag(req.run_id, req.key),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/runs/log-batch',
    versions: [2],
    // MLflow checks a batch's size before anything in it.
    bodyLimit: {
      bytes: TRACKING_LIMITS.batchRequestBytes,
      message: (bytes) => `Batched logging API requests must be at most ${TRACKING_LIMITS.batchRequestBytes} bytes, got a request of ${bytes} bytes.`,
    },
    request: R.LogBatch,
    response: W.Empty,
    access: { edit: (req) => ref.run(req.run_id) },
    handle: (req, { services }) => services.runs.logBatch({ runId: req.run_id, metrics: req.metrics.map(metricRecord), params: req.params, tags: req.tags }),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/runs/log-model',
    versions: [2],
    request: R.LogModel,
    response: W.Empty,
    access: { edit: (req) => ref.run(req.run_id) },
    handle: (req, { services }) => services.runs.logModel(req.run_id, req.model_json),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/runs/log-inputs',
    versions: [2],
    request: R.LogInputs,
    response: W.Empty,
    access: { edit: (req) => ref.run(req.run_id) },
    handle: (req, { services }) =>
      services.runs.logInputs(
        req.run_id,
        req.datasets.map(({ tags, dataset: { source_type, ...dataset } }) => ({ tags, dataset: { ...dataset, sourceType: source_type } })),
        req.models.map((m) => m.model_id),
      ),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/runs/outputs',
    versions: [2],
    request: R.LogOutputs,
    response: W.Empty,
    access: { edit: (req) => ref.run(req.run_id) },
    handle: (req, { services }) =>
      services.runs.logOutputs(
        req.run_id,
        req.models.map((m) => ({ modelId: m.model_id, step: m.step })),
      ),
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/metrics/get-history',
    versions: [2],
    request: R.GetMetricHistory,
    response: W.GetMetricHistory,
    access: { read: (req) => ref.run(req.run_id) },
    handle: async (req, { services }) => {
      const { metrics, nextPageToken } = await services.runs.metricHistory({
        runId: req.run_id,
        metricKey: req.metric_key,
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      return { metrics: metrics.map(metricJson), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
    },
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/metrics/get-history-bulk-interval',
    versions: [2],
    request: R.GetMetricHistoryBulkInterval,
    response: W.GetMetricHistory,
    access: { read: (req) => ref.runs(req.run_ids) },
    handle: async (req, { services }) => {
      const steps = req.start_step !== undefined && req.end_step !== undefined ? { startStep: req.start_step, endStep: req.end_step } : undefined;
      const points = await services.runs.metricHistoryBulkInterval({ runIds: req.run_ids, metricKey: req.metric_key, steps, maxResults: req.max_results });
      return { metrics: points.map(metricJson) };
    },
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/metrics/get-history-bulk',
    versions: [2],
    ajaxOnly: true,
    request: R.GetMetricHistoryBulk,
    response: W.GetMetricHistory,
    access: { read: (req) => ref.runs(req.run_id) },
    handle: async (req, { services }) => ({
      metrics: (await services.runs.metricHistoryBulk({ runIds: req.run_id, metricKey: req.metric_key, maxResults: req.max_results })).map(metricJson),
    }),
  }),
];
