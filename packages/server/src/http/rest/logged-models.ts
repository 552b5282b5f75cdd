import { LoggedModelRequests as R } from '@loupe/protocol';
import { rpc } from '../rpc.js';

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
    handle: (req, { services }) => services.loggedModels.search(req),
  }),
  rpc({
    method: 'POST',
    path: BASE,
    versions: [2],
    request: R.CreateLoggedModel,
    handle: async (req, { services }) => ({ model: await services.loggedModels.create(req) }),
  }),
  rpc({
    method: 'GET',
    path: `${BASE}/:model_id`,
    versions: [2],
    request: R.GetLoggedModel,
    handle: async (req, { services }) => ({ model: await services.loggedModels.get(req.model_id, req.allow_deleted ?? false) }),
  }),
  rpc({
    method: 'PATCH',
    path: `${BASE}/:model_id`,
    versions: [2],
    request: R.FinalizeLoggedModel,
    handle: async (req, { services }) => ({ model: await services.loggedModels.finalize(req) }),
  }),
  rpc({
    method: 'DELETE',
    path: `${BASE}/:model_id`,
    versions: [2],
    request: R.LoggedModelIdOnly,
    handle: (req, { services }) => services.loggedModels.delete(req),
  }),
  rpc({
    method: 'PATCH',
    path: `${BASE}/:model_id/tags`,
    versions: [2],
    request: R.SetLoggedModelTags,
    handle: (req, { services }) => services.loggedModels.setTags(req),
  }),
  rpc({
    method: 'DELETE',
    path: `${BASE}/:model_id/tags/:tag_key{.+}`,
    versions: [2],
    request: R.DeleteLoggedModelTag,
    handle: (req, { services }) => services.loggedModels.deleteTag(req),
  }),
  rpc({
    method: 'POST',
    path: `${BASE}/:model_id/params`,
    versions: [2],
    request: R.LogLoggedModelParams,
    handle: (req, { services }) => services.loggedModels.logParams(req),
  }),
];
