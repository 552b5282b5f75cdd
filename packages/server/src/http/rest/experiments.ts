import { TrackingRequests as R, TrackingResponses as W } from '@loupe/protocol';
import { rpc } from '../rpc.js';
import { visiblePage } from '../auth/visible-pages.js';

/** `experiments/search`'s page size when the request names none (the service's default). */
const EXPERIMENT_SEARCH_DEFAULT = 1000;
import { datasetSummaryJson, experimentJson } from '../wire/tracking-json.js';
import { grantCreator, ref } from '../../auth/access.js';

/** Experiment RPCs (spec §2.2). */
export const experimentRoutes = [
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/create',
    versions: [2],
    request: R.CreateExperiment,
    response: W.CreateExperiment,
    access: { kind: 'authenticated', effects: (_req, reply) => [grantCreator({ type: 'experiment', id: reply.experiment_id })] },
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
    access: { read: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => ({ experiment: experimentJson(await services.experiments.get(req.experiment_id)) }),
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/experiments/get-by-name',
    versions: [2],
    request: R.GetExperimentByName,
    response: W.GetExperiment,
    access: { read: (req) => ref.experimentName(req.experiment_name) },
    handle: async (req, { services }) => ({ experiment: experimentJson(await services.experiments.getByName(req.experiment_name)) }),
  }),
  ...(['GET', 'POST'] as const).map((method) =>
    rpc({
      method,
      path: '/mlflow/experiments/search',
      versions: [2],
      request: R.SearchExperiments,
      response: W.SearchExperiments,
      access: { kind: 'filtered', holder: 'experiment' },
      handle: async (req, { services, visible }) => {
        // Only experiments the caller may read (MLflow's filter_search_experiments), pages refilled.
        const { items, nextPageToken } = await visiblePage(
          async (limit, pageToken) => {
            const page = await services.experiments.search({
              filter: req.filter,
              orderBy: req.order_by,
              viewType: req.view_type,
              maxResults: limit,
              pageToken,
            });
            return { items: page.experiments, nextPageToken: page.nextPageToken };
          },
          req.page_token,
          req.max_results || EXPERIMENT_SEARCH_DEFAULT,
          (e) => visible.experiment(e.experimentId),
        );
        return { experiments: items.map(experimentJson), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
      },
    }),
  ),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/delete',
    versions: [2],
    request: R.ExperimentIdOnly,
    response: W.Empty,
    access: { manage: (req) => ref.experiment(req.experiment_id) },
    audit: (req) => ({ action: 'experiment.delete', resourceType: 'experiment', resourceId: req.experiment_id }),
    handle: (req, { services }) => services.experiments.delete(req.experiment_id),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/restore',
    versions: [2],
    request: R.ExperimentIdOnly,
    response: W.Empty,
    access: { manage: (req) => ref.experiment(req.experiment_id) },
    handle: (req, { services }) => services.experiments.restore(req.experiment_id),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/update',
    versions: [2],
    request: R.UpdateExperiment,
    response: W.Empty,
    access: { edit: (req) => ref.experiment(req.experiment_id) },
    handle: (req, { services }) => services.experiments.rename(req.experiment_id, req.new_name),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/set-experiment-tag',
    versions: [2],
    request: R.SetExperimentTag,
    response: W.Empty,
    access: { edit: (req) => ref.experiment(req.experiment_id) },
    handle: (req, { services }) => services.experiments.setTag(req.experiment_id, { key: req.key, value: req.value }),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/delete-experiment-tag',
    versions: [2],
    request: R.DeleteExperimentTag,
    response: W.Empty,
    access: { edit: (req) => ref.experiment(req.experiment_id) },
    handle: (req, { services }) => services.experiments.deleteTag(req.experiment_id, req.key),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/experiments/search-datasets',
    versions: [2],
    ajaxOnly: true,
    request: R.SearchDatasets,
    response: W.SearchDatasets,
    access: { read: (req) => ref.experiments(req.experiment_ids) },
    handle: async (req, { services }) => ({ dataset_summaries: (await services.runs.searchDatasets(req.experiment_ids)).map(datasetSummaryJson) }),
  }),
];
