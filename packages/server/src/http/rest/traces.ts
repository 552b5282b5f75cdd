import { ApiError, TraceRequests as R } from '@loupe/protocol';
import { StreamedJson, toProtoJson } from '../json-response.js';
import { rpc } from '../rpc.js';

/**
 * Literal siblings of `/traces/{trace_id}` (spec §1.1: literal segments must win): a GET of one of them
 * (their RPCs are POSTs, or not served) answers ENDPOINT_NOT_FOUND, never "trace not found".
 */
const RESERVED_TRACE_SEGMENTS = new Set(['batchGetInfos', 'metrics', 'calculate-filter-correlation']);

/** JSON documents separated by commas, in pieces of up to ~64 KiB. */
async function* joined(documents: AsyncIterable<string>): AsyncGenerator<string> {
  let piece = '';
  let first = true;
  for await (const doc of documents) {
    piece += first ? doc : `,${doc}`;
    first = false;
    if (piece.length >= 65_536) {
      yield piece;
      piece = '';
    }
  }
  if (piece) yield piece;
}

/** Trace RPCs (spec §4.2). */
export const traceRoutes = [
  rpc({
    method: 'POST',
    path: '/mlflow/traces',
    versions: [3],
    request: R.StartTraceV3,
    handle: (req, { services }) => services.traces.startTraceV3(req),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/traces/metrics',
    versions: [3],
    request: R.QueryTraceMetrics,
    handle: (req, { services }) => services.traces.metrics(req),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/traces/search',
    versions: [3],
    request: R.SearchTracesV3,
    handle: (req, { services }) => services.traces.searchTracesV3(req),
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/traces/batchGet',
    versions: [3],
    request: R.BatchGetTraces,
    handle: async (req, { services }) => {
      const traces = await services.traces.batchGetWithSpans(req.trace_ids);
      return new StreamedJson(
        (async function* () {
          yield '{"traces":[';
          for (const [i, t] of traces.entries()) {
            yield `${i ? ',' : ''}{"trace_info":${toProtoJson(t.info)},"spans":[`;
            yield* joined(t.spans);
            yield ']}';
          }
          yield ']}';
        })(),
      );
    },
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/traces/batchGetInfos',
    versions: [3],
    request: R.BatchGetTraceInfos,
    handle: (req, { services }) => services.traces.batchGetInfos(req.trace_ids, req.experiment_ids),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/traces/delete-traces',
    versions: [2, 3],
    request: R.DeleteTraces,
    handle: (req, { services }) => services.traces.deleteTraces(req),
  }),
  // The Python client always uses the v2 tag routes (`request_id`); the v3 ones take `trace_id`.
  rpc({
    method: 'PATCH',
    path: '/mlflow/traces/:request_id/tags',
    versions: [2],
    request: R.SetTraceTag,
    handle: (req, { services }) => services.traces.setTag(req),
  }),
  rpc({
    method: 'DELETE',
    path: '/mlflow/traces/:request_id/tags',
    versions: [2],
    request: R.DeleteTraceTag,
    handle: (req, { services }) => services.traces.deleteTag(req),
  }),
  rpc({
    method: 'PATCH',
    path: '/mlflow/traces/:trace_id/tags',
    versions: [3],
    request: R.SetTraceTag,
    handle: (req, { services }) => services.traces.setTag(req),
  }),
  rpc({
    method: 'DELETE',
    path: '/mlflow/traces/:trace_id/tags',
    versions: [3],
    request: R.DeleteTraceTag,
    handle: (req, { services }) => services.traces.deleteTag(req),
  }),
  // Declared before `/traces/:trace_id`, so the literal route wins.
  rpc({
    method: 'GET',
    path: '/mlflow/traces/get',
    versions: [3],
    request: R.GetTrace,
    handle: async (req, { services }) => {
      const { info, spans } = await services.traces.getTraceWithSpans(req.trace_id, req.allow_partial ?? false);
      return new StreamedJson(
        (async function* () {
          yield `{"trace":{"trace_info":${toProtoJson(info)},"spans":[`;
          yield* joined(spans);
          yield ']}}';
        })(),
      );
    },
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/traces/:trace_id',
    versions: [3],
    request: R.GetTraceInfoV3,
    handle: (req, { services }) => {
      if (req.trace_id && RESERVED_TRACE_SEGMENTS.has(req.trace_id)) throw new ApiError('ENDPOINT_NOT_FOUND', `No handler for /traces/${req.trace_id}.`);
      return services.traces.getTraceInfo(req.trace_id);
    },
  }),
];
