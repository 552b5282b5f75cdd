import type { Hono } from 'hono';
import { ApiError } from '@loupe/protocol';
import type { OtlpDecoder } from '../../ingest/otlp/decode-otlp.js';
import type { Services } from '../../services/services.js';
import { readRequestBody } from '../request-decoding.js';

/** The header naming the experiment OTLP spans go to (MLflow's OTLP endpoint, spec §4.5). */
const EXPERIMENT_HEADER = 'x-mlflow-experiment-id';

/**
 * Mounts OTLP/HTTP trace ingest, `POST /v1/traces` (spec §4.5): protobuf or JSON bodies, gzip or
 * deflate, spans of the experiment named by `x-mlflow-experiment-id`. The body is decoded here, by
 * `decode` (on worker threads or inline, as the composition root chose), and bad bodies fail before
 * the experiment header is looked at. Success answers an empty ExportTraceServiceResponse in the
 * request's format (zero bytes of protobuf, or `{}`).
 *
 * @example
 * mountOtlpRoutes(app, services, { maxBodyBytes: 16 << 20, decode: decodeOtlpInline });
 */
export function mountOtlpRoutes(app: Hono, services: Services, options: { maxBodyBytes: number; decode: OtlpDecoder }): void {
  app.post('/v1/traces', async (c) => {
    const contentType = c.req.header('content-type') ?? '';
    const body = await readRequestBody(c, options.maxBodyBytes);
    const batches = await options.decode(body, contentType, c.req.header('content-encoding'));
    const experimentId = c.req.header(EXPERIMENT_HEADER);
    if (!experimentId) throw ApiError.invalid(`Missing header '${EXPERIMENT_HEADER}': OTLP trace ingest needs the experiment the spans belong to.`);
    await services.traces.ingestSpans(experimentId, batches);
    const json = contentType.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
    return json ? c.body('{}', 200, { 'content-type': 'application/json' }) : c.body(new Uint8Array(), 200, { 'content-type': 'application/x-protobuf' });
  });
}
