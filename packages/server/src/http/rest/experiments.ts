import { TrackingRequests as R, TrackingResponses as W } from '@loupe/protocol';
import { rpc } from '../rpc.js';
import { datasetSummaryJson, experimentJson } from '../wire/tracking-json.js';

/** Experiment RPCs (spec §2.2). */
export const experimentRoutes = [
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/create',
    versions: [2],
    request: R.CreateExperiment,
    response: W.CreateExperiment,
    handle: async (req, { services }) => ({
      experiment_id: await services.experiments.create({ name: req.name, artifactLocation: req.artifact_location, tags: req.tags }),
    }),
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/experiments/get',
    versions: [2],
    request: R.GetExperiment,
    response: W.GetExperiment,
    handle: async (req, { services }) => ({ experiment: experimentJson(await services.experiments.get(req.experiment_id)) }),
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/experiments/get-by-name',
    versions: [2],
    request: R.GetExperimentByName,
    response: W.GetExperiment,
    handle: async (req, { services }) => ({ experiment: experimentJson(await services.experiments.getByName(req.experiment_name)) }),
  }),
  ...(['GET', 'POST'] as const).map((method) =>
    rpc({
      method,
      path: '/mlflow/experiments/search',
      versions: [2],
      request: R.SearchExperiments,
      response: W.SearchExperiments,
      handle: async (req, { services }) => {
        const { experiments, nextPageToken } = await services.experiments.search({
          filter: req.filter,
          orderBy: req.order_by,
          viewType: req.view_type,
          maxResults: req.max_results,
          pageToken: req.page_token,
        });
        return { experiments: experiments.map(experimentJson), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
      },
    }),
  ),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/delete',
    versions: [2],
    request: R.ExperimentIdOnly,
    response: W.Empty,
    handle: (req, { services }) => services.experiments.delete(req.experiment_id),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/restore',
    versions: [2],
    request: R.ExperimentIdOnly,
    response: W.Empty,
    handle: (req, { services }) => services.experiments.restore(req.experiment_id),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/update',
    versions: [2],
    request: R.UpdateExperiment,
    response: W.Empty,
    handle: (req, { services }) => services.experiments.rename(req.experiment_id, req.new_name),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/set-experiment-tag',
    versions: [2],
    request: R.SetExperimentTag,
    response: W.Empty,
    handle: (req, { services }) => services.experiments.setTag(req.experiment_id, { key: req.key, value: req.value }),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/delete-experiment-tag',
    versions: [2],
    request: R.DeleteExperimentTag,
    response: W.Empty,
    handle: (req, { services }) => services.experiments.deleteTag(req.experiment_id, req.key),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/search-datasets',
    versions: [2],
    ajaxOnly: true,
    request: R.SearchDatasets,
    response: W.SearchDatasets,
    handle: async (req, { services }) => ({ dataset_summaries: (await services.runs.searchDatasets(req.experiment_ids)).map(datasetSummaryJson) }),
  }),
];
