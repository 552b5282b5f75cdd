import type { Hono } from 'hono';
import type { Services } from '../../services/services.js';
import { mountLoggedModelArtifactRoutes } from './logged-model-artifact-routes.js';
import { mountModelVersionArtifactRoutes } from './model-version-artifact-routes.js';
import { mountProxiedArtifactRoutes } from './proxied-artifact-routes.js';
import { mountRunArtifactRoutes } from './run-artifact-routes.js';

export { artifactRpcRoutes } from './run-artifact-routes.js';
export { loggedModelArtifactRpcRoutes } from './logged-model-artifact-routes.js';

/**
 * Mounts every streamed artifact route: the proxied `mlflow-artifacts` service and the run artifact
 * download/upload routes, the logged-model file download and the model-version file download. (`ListArtifacts` is an RPC: see `artifactRpcRoutes`.)
 *
 * @example
 * mountArtifactRoutes(app, services, { maxJsonBodyBytes: 16 << 20 });
 */
export function mountArtifactRoutes(app: Hono, services: Services, options: { maxJsonBodyBytes: number }): void {
  mountProxiedArtifactRoutes(app, services.artifacts, {
    maxJsonBodyBytes: options.maxJsonBodyBytes,
    // A `traces.json` of an older client's trace is imported as it lands, so its spans are searchable at once.
    onUploaded: (path) => services.traces.spansUploaded(path),
  });
  mountRunArtifactRoutes(app, services.artifacts);
  mountLoggedModelArtifactRoutes(app, services);
  mountModelVersionArtifactRoutes(app, services);
}
