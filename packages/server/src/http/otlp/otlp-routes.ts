import type { IncomingMessage } from 'node:http';
import type { Hono } from 'hono';
import type { Services } from '../../services/services.js';
import { readBodyLimited, readNodeBodyLimited } from '../request-decoding.js';

/**
 * Mounts OTLP/HTTP trace ingest, `POST /v1/traces` (spec §4.5): protobuf or JSON bodies, gzip or
 * deflate, spans of the experiment named by `x-mlflow-experiment-id`. Success answers an empty
 * ExportTraceServiceResponse in the request's format (zero bytes of protobuf, or `{}`).
 *
 * @example
 * mountOtlpRoutes(app, services, { maxBodyBytes: 16 << 20 });
 */
export function mountOtlpRoutes(app: Hono, services: Services, limits: { maxBodyBytes: number }): void {
  app.post('/v1/traces', async (c) => {
    const contentType = c.req.header('content-type') ?? '';
    // Served by Node (not `app.request()`), the body is read from Node's own stream: no web stream.
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const body = incoming ? await readNodeBodyLimited(incoming, limits.maxBodyBytes) : await readBodyLimited(c.req.raw, limits.maxBodyBytes);
    await services.traces.ingestOtlp(c.req.header('x-mlflow-experiment-id'), body, contentType, c.req.header('content-encoding'));
    const json = contentType.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
    return json ? c.body('{}', 200, { 'content-type': 'application/json' }) : c.body(new Uint8Array(), 200, { 'content-type': 'application/x-protobuf' });
  });
}
