import { TrackingRequests as R } from '@loupe/protocol';
import { rpc } from '../rpc.js';

/** Experiment RPCs (spec §2.2). */
export const experimentRoutes = [
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/create',
    versions: [2],
    request: R.CreateExperiment,
    handle: (req, { services }) => services.experiments.create(req),
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/experiments/get',
    versions: [2],
    request: R.GetExperiment,
    handle: async (req, { services }) => ({ experiment: await services.experiments.get(req.experiment_id) }),
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/experiments/get-by-name',
    versions: [2],
    request: R.GetExperimentByName,
    handle: async (req, { services }) => ({ experiment: await services.experiments.getByName(req.experiment_name) }),
  }),
  ...(['GET', 'POST'] as const).map((method) =>
    rpc({
      method,
      path: '/mlflow/experiments/search',
      versions: [2],
      request: R.SearchExperiments,
      handle: (req, { services }) => services.experiments.search(req),
    }),
  ),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/delete',
    versions: [2],
    request: R.ExperimentIdOnly,
    handle: (req, { services }) => services.experiments.delete(req.experiment_id),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/restore',
    versions: [2],
    request: R.ExperimentIdOnly,
    handle: (req, { services }) => services.experiments.restore(req.experiment_id),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/update',
    versions: [2],
    request: R.UpdateExperiment,
    handle: (req, { services }) => services.experiments.rename(req),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/set-experiment-tag',
    versions: [2],
    request: R.SetExperimentTag,
    handle: (req, { services }) => services.experiments.setTag(req),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/delete-experiment-tag',
    versions: [2],
    request: R.DeleteExperimentTag,
    handle: (req, { services }) => services.experiments.deleteTag(req),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/search-datasets',
    versions: [2],
    ajaxOnly: true,
    request: R.SearchDatasets,
    handle: (req, { services }) => services.runs.searchDatasets(req),
  }),
];
