import type { Hono } from 'hono';
import { RegistryRequests as R } from '@loupe/protocol';
import type { Services } from '../../services/services.js';
import { decodeRequest } from '../request-decoding.js';
import { fileResponse } from './file-response.js';

/**
 * Mounts MLflow's `GET /model-versions/get-artifact?name=&version=&path=` (spec §1.8): one file of a
 * registered model version, read from the version's download location (a logged model's or run's
 * artifacts behind the proxy, or a served local folder), with every path checked as the other
 * artifact routes check it.
 *
 * @example
 * mountModelVersionArtifactRoutes(app, services);
 */
export function mountModelVersionArtifactRoutes(app: Hono, services: Services): void {
  app.get('/model-versions/get-artifact', async (c) => {
    const req = decodeRequest(R.GetModelVersionArtifact, c.req.query());
    const location = await services.registry.getModelVersionDownloadUri(req.name, req.version);
    return fileResponse(await services.artifacts.openUnderUri(location, req.path));
  });
}
