import { TrackingRequests as R } from '@loupe/protocol';
import { rpc } from '../rpc.js';

/** Run RPCs (spec §2.3) and metric history (§2.4). */
export const runRoutes = [
  rpc({
    method: 'POST',
    path: '/mlflow/runs/create',
    versions: [2],
    request: R.CreateRun,
    handle: async (req, { services }) => ({ run: await services.runs.create(req) }),
  }),
  rpc({ method: 'POST', path: '/mlflow/runs/update', versions: [2], request: R.UpdateRun, handle: (req, { services }) => services.runs.update(req) }),
  rpc({ method: 'POST', path: '/mlflow/runs/delete', versions: [2], request: R.RunIdOnly, handle: (req, { services }) => services.runs.delete(req) }),
  rpc({ method: 'POST', path: '/mlflow/runs/restore', versions: [2], request: R.RunIdOnly, handle: (req, { services }) => services.runs.restore(req) }),
  rpc({
    method: 'GET',
    path: '/mlflow/runs/get',
    versions: [2],
    request: R.RunIdOnly,
    handle: async (req, { services }) => ({ run: await services.runs.get(req) }),
  }),
  rpc({ method: 'POST', path: '/mlflow/runs/search', versions: [2], request: R.SearchRuns, handle: (req, { services }) => services.runs.search(req) }),
  rpc({ method: 'POST', path: '/mlflow/runs/log-metric', versions: [2], request: R.LogMetric, handle: (req, { services }) => services.runs.logMetric(req) }),
  rpc({ method: 'POST', path: '/mlflow/runs/log-parameter', versions: [2], request: R.LogParam, handle: (req, { services }) => services.runs.logParam(req) }),
  rpc({ method: 'POST', path: '/mlflow/runs/set-tag', versions: [2], request: R.SetTag, handle: (req, { services }) => services.runs.setTag(req) }),
  rpc({ method: 'POST', path: '/mlflow/runs/delete-tag', versions: [2], request: R.DeleteTag, handle: (req, { services }) => services.runs.deleteTag(req) }),
  rpc({
    method: 'POST',
    path: '/mlflow/runs/log-batch',
    versions: [2],
    request: R.LogBatch,
    handle: (req, { services, requestBytes }) => services.runs.logBatch(req, requestBytes),
  }),
  rpc({ method: 'POST', path: '/mlflow/runs/log-model', versions: [2], request: R.LogModel, handle: (req, { services }) => services.runs.logModel(req) }),
  rpc({ method: 'POST', path: '/mlflow/runs/log-inputs', versions: [2], request: R.LogInputs, handle: (req, { services }) => services.runs.logInputs(req) }),
  rpc({ method: 'POST', path: '/mlflow/runs/outputs', versions: [2], request: R.LogOutputs, handle: (req, { services }) => services.runs.logOutputs(req) }),
  rpc({
    method: 'GET',
    path: '/mlflow/metrics/get-history',
    versions: [2],
    request: R.GetMetricHistory,
    handle: (req, { services }) => services.runs.metricHistory(req),
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/metrics/get-history-bulk-interval',
    versions: [2],
    request: R.GetMetricHistoryBulkInterval,
    handle: (req, { services }) => services.runs.metricHistoryBulkInterval(req),
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/metrics/get-history-bulk',
    versions: [2],
    ajaxOnly: true,
    request: R.GetMetricHistoryBulk,
    handle: (req, { services }) => services.runs.metricHistoryBulk(req),
  }),
];
