import type { Context, Hono } from 'hono';
import { ArtifactRequests as R } from '@loupe/protocol';
import type { ArtifactService } from '../../services/artifact-service.js';
import { checkJsonContentType, decodeRequest, parseJsonBody, readRequestBody } from '../request-decoding.js';
import { attachmentDisposition, guessMimeType } from './file-response.js';

/** A route handler of the proxied service. */
type Handler = (c: Context) => Promise<Response>;

/** A POST's JSON body as MLflow reads it (JSON content type, at most `maxBytes`). */
async function jsonBody(c: Context, maxBytes: number): Promise<Record<string, unknown>> {
  checkJsonContentType('POST', c.req.header('content-type') ?? null);
  return parseJsonBody(new TextDecoder().decode(await readRequestBody(c, maxBytes)));
}

/**
 * Mounts, under one proxied-service prefix, the transfers a client makes with the object store
 * itself (spec §2.6): `POST mpu/create|complete|abort/<dir>` (MLflow's multipart upload through
 * presigned part URLs; the file is `<dir>/<base name of the body's path>`) and
 * `GET presigned/<path>` (a presigned download URL with the file's size, for MLflow's multipart
 * download). A store without them (a local folder) answers 501 NOT_IMPLEMENTED with MLflow's message,
 * on which MLflow's clients fall back to the proxied routes.
 *
 * @example
 * mountDirectTransferRoutes(app, services.artifacts, '/api/2.0/mlflow-artifacts', route, 16 << 20);
 */
export function mountDirectTransferRoutes(
  app: Hono,
  artifacts: ArtifactService,
  prefix: string,
  route: (path: string, handler: Handler) => Handler,
  maxJsonBodyBytes: number,
): void {
  app.post(
    `${prefix}/mpu/create/:path{.+}`,
    route('/mpu/create/<path>', async (c) => {
      const req = decodeRequest(R.CreateMultipartUpload, await jsonBody(c, maxJsonBodyBytes));
      const { uploadId, parts } = await artifacts.createMultipartUpload(c.req.param('path'), { path: req.path, numParts: req.num_parts });
      const credentials = parts.map((p) => ({ url: p.url, part_number: p.partNumber, ...(Object.keys(p.headers).length > 0 ? { headers: p.headers } : {}) }));
      // `credentials` stays even when empty (an empty file): MLflow's client reads it unconditionally.
      return c.json({ upload_id: uploadId, credentials });
    }),
  );
  app.post(
    `${prefix}/mpu/complete/:path{.+}`,
    route('/mpu/complete/<path>', async (c) => {
      const req = decodeRequest(R.CompleteMultipartUpload, await jsonBody(c, maxJsonBodyBytes));
      const parts = req.parts.map((p) => ({ partNumber: p.part_number, etag: p.etag }));
      await artifacts.completeMultipartUpload(c.req.param('path'), { path: req.path, uploadId: req.upload_id, parts });
      return c.json({});
    }),
  );
  app.post(
    `${prefix}/mpu/abort/:path{.+}`,
    route('/mpu/abort/<path>', async (c) => {
      const req = decodeRequest(R.AbortMultipartUpload, await jsonBody(c, maxJsonBodyBytes));
      await artifacts.abortMultipartUpload(c.req.param('path'), { path: req.path, uploadId: req.upload_id });
      return c.json({});
    }),
  );
  app.get(
    `${prefix}/presigned/:path{.+}`,
    route('/presigned/<path>', async (c) => {
      const signed = await artifacts.presignProxiedDownload(c.req.param('path'), (name) => ({
        contentDisposition: attachmentDisposition(name),
        contentType: guessMimeType(name),
      }));
      return c.json({ url: signed.url, headers: signed.headers, file_size: signed.size });
    }),
  );
}
