import { LoggedModelRequests as R, LoggedModelResponses as W, TrackingResponses } from '@loupe/protocol';
import { rpc } from '../rpc.js';
import { loggedModelJson } from '../wire/logged-model-json.js';
import { ref } from '../../auth/access.js';

const BASE = '/mlflow/logged-models';

/**
 * Logged-model RPCs (spec §3). The literal `/search` is declared before the `:model_id` routes so it
 * wins wherever both could match; tag keys may contain `/` (raw or `%2F`), hence the catch-all.
 * The artifact routes under `/:model_id/artifacts` live in `http/artifacts/logged-model-artifact-routes.ts`.
 */
export const loggedModelRoutes = [
  rpc({
    method: 'POST',
    path: `${BASE}/search`,
    versions: [2],
    request: R.SearchLoggedModels,
    response: W.SearchLoggedModels,
    access: { read: (req) => ref.experiments(req.experiment_ids) },
    handle: async (req, { services }) => {
      const { models, nextPageToken } = await services.loggedModels.search({
        experimentIds: req.experiment_ids,
        filter: req.filter,
        datasets: req.datasets.map((d) =>
          d.dataset_digest ? { datasetName: d.dataset_name, datasetDigest: d.dataset_digest } : { datasetName: d.dataset_name },
        ),
        orderBy: req.order_by.map((o) => ({ fieldName: o.field_name, ascending: o.ascending, datasetName: o.dataset_name, datasetDigest: o.dataset_digest })),
        maxResults: req.max_results,
        pageToken: req.page_token,
      });
      return { models: models.map(loggedModelJson), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
    },
  }),
  rpc({
    method: 'POST',
    path: BASE,
    versions: [2],
    request: R.CreateLoggedModel,
    response: W.GetLoggedModel,
    access: { edit: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => {
      const model = await services.loggedModels.create({
        experimentId: req.experiment_id,
        name: req.name,
        modelType: req.model_type,
        sourceRunId: req.source_run_id,
        params: req.params,
        tags: req.tags,
      });
      return { model: loggedModelJson(model) };
    },
  }),
  rpc({
    method: 'GET',
    path: `${BASE}/:model_id`,
    versions: [2],
    request: R.GetLoggedModel,
    response: W.GetLoggedModel,
    access: { read: (req) => ref.loggedModel(req.model_id) },
    handle: async (req, { services }) => ({ model: loggedModelJson(await services.loggedModels.get(req.model_id, req.allow_deleted ?? false)) }),
  }),
  rpc({
    method: 'PATCH',
    path: `${BASE}/:model_id`,
    versions: [2],
    request: R.FinalizeLoggedModel,
    response: W.GetLoggedModel,
    access: { edit: (req) => ref.loggedModel(req.model_id) },
    handle: async (req, { services }) => ({ model: loggedModelJson(await services.loggedModels.finalize(req.model_id, req.status)) }),
  }),
  rpc({
    method: 'DELETE',
    path: `${BASE}/:model_id`,
    versions: [2],
    request: R.LoggedModelIdOnly,
    response: TrackingResponses.Empty,
    access: { manage: (req) => ref.loggedModel(req.model_id) },
    audit: (req) => ({ action: 'logged_model.delete', resourceType: 'logged_model', resourceId: req.model_id }),
    handle: (req, { services }) => services.loggedModels.delete(req.model_id),
  }),
  rpc({
    method: 'PATCH',
    path: `${BASE}/:model_id/tags`,
    versions: [2],
    request: R.SetLoggedModelTags,
    response: TrackingResponses.Empty,
    access: { edit: (req) => ref.loggedModel(req.model_id) },
    handle: (req, { services }) => services.loggedModels.setTags(req.model_id, req.tags),
  }),
  rpc({
    method: 'DELETE',
    path: `${BASE}/:model_id/tags/:tag_key{.+}`,
    versions: [2],
    request: R.DeleteLoggedModelTag,
    response: TrackingResponses.Empty,
    access: { manage: (req) => ref.loggedModel(req.model_id) },
    handle: (req, { services }) => services.loggedModels.deleteTag(req.model_id, req.tag_key),
  }),
  rpc({
    method: 'POST',
    path: `${BASE}/:model_id/params`,
    versions: [2],
    request: R.LogLoggedModelParams,
    response: TrackingResponses.Empty,
    access: { edit: (req) => ref.loggedModel(req.model_id) },
    handle: (req, { services }) => services.loggedModels.logParams(req.model_id, req.params),
  }),
];
