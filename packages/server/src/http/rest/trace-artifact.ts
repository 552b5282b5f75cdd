import type { Hono } from 'hono';
import { ApiError, LegacyTraceRequests as L } from '@loupe/protocol';
import type { Services } from '../../services/services.js';
import { TRACE_DATA_FILE } from '../../services/traces/artifact-span-import.js';
import { attachmentDisposition } from '../artifacts/file-response.js';
import { DOWNLOAD_CONTENT_SECURITY_POLICY } from '../security/content-security-policy.js';
import { decodeRequest, queryToObject } from '../request-decoding.js';
import { streamOf } from '../rpc.js';
import { traceJsonDocument } from '../wire/traces-json-document.js';

/**
 * The UI's `GET /ajax-api/2.0/mlflow/get-trace-artifact?request_id=` (spec §1.8): the trace's span
 * data as a `traces.json` attachment (`{"spans": [...]}`), whichever way the spans arrived (OTLP, or
 * an uploaded `traces.json`, imported on first read). Streamed a store page at a time.
 *
 * @example
 * mountTraceArtifactRoute(app, services);
 */
export function mountTraceArtifactRoute(app: Hono, services: Services): void {
  app.get('/ajax-api/2.0/mlflow/get-trace-artifact', async (c) => {
    const req = decodeRequest(L.GetTraceArtifact, queryToObject(new URL(c.req.url).searchParams));
    if (!req.request_id) throw new ApiError('BAD_REQUEST', 'Request must include the "request_id" query parameter.');
    // Partial traces too: the UI renders traces still in progress.
    const { spans } = await services.traces.getTraceWithSpans(req.request_id, true);
    return new Response(streamOf(traceJsonDocument(spans)), {
      status: 200,
      headers: {
        'content-type': 'application/octet-stream',
        'content-disposition': attachmentDisposition(TRACE_DATA_FILE),
        'x-content-type-options': 'nosniff',
        'content-security-policy': DOWNLOAD_CONTENT_SECURITY_POLICY,
      },
    });
  });
}
