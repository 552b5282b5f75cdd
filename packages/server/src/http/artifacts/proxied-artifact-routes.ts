import type { Context, Hono } from 'hono';
import type { ArtifactService } from '../../services/artifact-service.js';
import { toProtoJson } from '../json-response.js';
import { streamedRequestBody } from '../request-decoding.js';
import { fileInfoJson } from '../wire/tracking-json.js';
import { mountDirectTransferRoutes } from './direct-transfer-routes.js';
import { fileResponse } from './file-response.js';

/** Where the proxied artifact service lives (spec §2.6). */
export const PROXIED_ARTIFACT_PREFIXES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'] as const;

type Handler = (c: Context) => Promise<Response>;

/** The body of a request that came without one: an empty file. */
export const NO_BODY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/**
 * A JSON reply in MLflow's protobuf-JSON form.
 *
 * @example
 * return jsonReply(c, { files }); // '{}' when files is empty
 */
export function jsonReply(c: Context, message: object): Response {
  return c.body(toProtoJson(message), 200, { 'content-type': 'application/json' });
}

/**
 * With `--no-serve-artifacts` every proxied route answers 503 with plain text, before looking at the
 * request, as MLflow's server does.
 */
function unlessDisabled(artifacts: ArtifactService, endpoint: string, handler: Handler): Handler {
  return async (c) => {
    if (artifacts.proxyEnabled) return handler(c);
    return c.text(
      `Endpoint: ${endpoint} disabled due to the server running with --no-serve-artifacts. To enable artifact serving, start the server with --serve-artifacts.`,
      503,
    );
  };
}

/** Options of {@link mountProxiedArtifactRoutes}. */
export interface ProxiedArtifactRouteOptions {
  /** Largest JSON body of the multipart upload requests. */
  maxJsonBodyBytes: number;
  /** Called after each upload with its path (an older client's `traces.json` is imported as it lands). */
  onUploaded?: (path: string) => Promise<void>;
}

/**
 * Mounts the proxied artifact service under `/api/2.0/mlflow-artifacts` and `/ajax-api/2.0/mlflow-artifacts`:
 * download, streamed upload, listing, delete, and the direct transfers (multipart upload, presigned
 * download; `direct-transfer-routes.ts`), which answer 501 on a local store. `<path>` may contain `/`.
 *
 * @example
 * mountProxiedArtifactRoutes(app, services.artifacts, { maxJsonBodyBytes: 16 << 20, onUploaded: (path) => services.traces.spansUploaded(path) });
 */
export function mountProxiedArtifactRoutes(app: Hono, artifacts: ArtifactService, options: ProxiedArtifactRouteOptions): void {
  const onUploaded = options.onUploaded ?? (async () => {});
  for (const prefix of PROXIED_ARTIFACT_PREFIXES) {
    const route = (path: string, handler: Handler) => unlessDisabled(artifacts, `${prefix}${path}`, handler);
    const file = `${prefix}/artifacts/:path{.+}`;

    app.get(
      `${prefix}/artifacts`,
      route('/artifacts', async (c) => jsonReply(c, { files: (await artifacts.listProxied(c.req.query('path'))).map(fileInfoJson) })),
    );
    app.get(
      file,
      route('/artifacts/<path>', async (c) => fileResponse(await artifacts.openProxied(c.req.param('path')))),
    );
    app.put(
      file,
      route('/artifacts/<path>', async (c) => {
        await artifacts.putProxied(c.req.param('path'), streamedRequestBody(c) ?? NO_BODY);
        await onUploaded(c.req.param('path') ?? '');
        return jsonReply(c, {});
      }),
    );
    app.delete(
      file,
      route('/artifacts/<path>', async (c) => {
        await artifacts.deleteProxied(c.req.param('path'));
        return jsonReply(c, {});
      }),
    );
    mountDirectTransferRoutes(app, artifacts, prefix, route, options.maxJsonBodyBytes);
  }
}
