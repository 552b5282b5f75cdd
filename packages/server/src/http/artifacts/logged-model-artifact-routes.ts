import type { Hono } from 'hono';
import { LoggedModelRequests as R, TrackingResponses as W } from '@loupe/protocol';
import type { Services } from '../../services/services.js';
import { rpc } from '../rpc.js';
import { fileInfoJson } from '../wire/tracking-json.js';
import { fileResponse } from './file-response.js';
import { ref } from '../../auth/access.js';

/**
 * `ListLoggedModelArtifacts` (spec §3): the files under a logged model's artifact root, as
 * `{root_uri, files[]}` with paths relative to that root.
 */
export const loggedModelArtifactRpcRoutes = [
  rpc({
    method: 'GET',
    path: '/mlflow/logged-models/:model_id/artifacts/directories',
    versions: [2],
    request: R.ListLoggedModelArtifacts,
    response: W.ListArtifacts,
    access: { read: (req) => ref.loggedModel(req.model_id) },
    handle: async (req, { services }) => {
      const model = await services.loggedModels.get(req.model_id);
      const files = await services.artifacts.listUnderUri(model.artifactUri, req.artifact_directory_path);
      return { root_uri: model.artifactUri, files: files.map(fileInfoJson) };
    },
  }),
];

/**
 * Mounts the UI's logged-model file download, `GET /ajax-api/2.0/mlflow/logged-models/{id}/artifacts/files?artifact_file_path=`.
 *
 * @example
 * mountLoggedModelArtifactRoutes(app, services);
 */
export function mountLoggedModelArtifactRoutes(app: Hono, services: Services): void {
  app.get('/ajax-api/2.0/mlflow/logged-models/:model_id/artifacts/files', async (c) => {
    const model = await services.loggedModels.get(c.req.param('model_id'));
    return fileResponse(await services.artifacts.openUnderUri(model.artifactUri, c.req.query('artifact_file_path')));
  });
}
