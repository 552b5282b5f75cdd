import type { Hono } from 'hono';
import { TrackingRequests as R, TrackingResponses as W } from '@loupe/protocol';
import type { ArtifactService } from '../../services/artifact-service.js';
import { decodeRequest } from '../request-decoding.js';
import { rpc } from '../rpc.js';
import { fileInfoJson } from '../wire/tracking-json.js';
import { fileResponse } from './file-response.js';
import { ref } from '../../auth/access.js';

/** `ListArtifacts` (spec §2.6): a declared RPC, mounted under `/api/2.0` and `/ajax-api/2.0`. */
export const artifactRpcRoutes = [
  rpc({
    method: 'GET',
    path: '/mlflow/artifacts/list',
    versions: [2],
    request: R.ListArtifacts,
    response: W.ListArtifacts,
    access: { read: (req) => ref.run(req.run_id) },
    handle: async (req, { services }) => {
      const { rootUri, files } = await services.artifacts.listRunArtifacts(req.run_id, req.path);
      return { root_uri: rootUri, files: files.map(fileInfoJson) };
    },
  }),
];

function declaredLength(header: string | undefined): number | undefined {
  const n = Number(header);
  return header !== undefined && Number.isFinite(n) ? n : undefined;
}

/**
 * Mounts the run-artifact routes that are not RPCs (spec §1.8): `GET /get-artifact?run_id=&path=`
 * (MLflow has no `/ajax-api` twin of it) and the UI's `POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=&path=`,
 * which answers 200 with an empty JSON-typed body as MLflow does.
 *
 * @example
 * mountRunArtifactRoutes(app, services.artifacts);
 */
export function mountRunArtifactRoutes(app: Hono, artifacts: ArtifactService): void {
  app.get('/get-artifact', async (c) => {
    const req = decodeRequest(R.GetArtifact, c.req.query());
    return fileResponse(await artifacts.openRunArtifact(req.run_id, req.path));
  });
  app.post('/ajax-api/2.0/mlflow/upload-artifact', async (c) => {
    const req = decodeRequest(R.UploadArtifact, c.req.query());
    await artifacts.uploadRunArtifact(req.run_id, req.path, c.req.raw.body, declaredLength(c.req.header('content-length')));
    return c.body(null, 200, { 'content-type': 'application/json' });
  });
}
