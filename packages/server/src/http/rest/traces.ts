import { ApiError, TraceRequests as R, TraceResponses as W } from '@loupe/protocol';
import type { TraceWithSpans } from '../../services/trace-service.js';
import { StreamedJson, toProtoJson } from '../json-response.js';
import { rpc } from '../rpc.js';
import { traceInfoJson } from '../wire/trace-info-json.js';
import { traceMetricsJson } from '../wire/trace-metrics-json.js';
import { ref } from '../../auth/access.js';

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

/** `{"trace_info": ..., "spans": [...]}` between `before` and `after`, the stored span documents spliced in as they are read. */
async function* traceWithSpansJson(t: TraceWithSpans, before: string, after: string): AsyncGenerator<string> {
  yield `${before}{"trace_info":${toProtoJson(traceInfoJson(t.record))},"spans":[`;
  yield* joined(t.spans);
  yield `]}${after}`;
}

/** Trace RPCs (spec §4.2). */
export const traceRoutes = [
  rpc({
    method: 'POST',
    path: '/mlflow/traces',
    versions: [3],
    request: R.StartTraceV3,
    response: W.StartTraceV3,
    access: { edit: (req) => ref.experiment(req.trace.trace_info.trace_location.mlflow_experiment.experiment_id) },
    handle: async (req, { services }) => {
      const info = req.trace.trace_info;
      const record = await services.traces.startTraceV3({
        traceId: info.trace_id,
        experimentId: info.trace_location.mlflow_experiment.experiment_id,
        clientRequestId: info.client_request_id,
        requestTimeMs: info.request_time,
        executionDurationMs: info.execution_duration,
        state: info.state,
        requestPreview: info.request_preview,
        responsePreview: info.response_preview,
        tags: info.tags,
        metadata: info.trace_metadata,
      });
      return { trace: { trace_info: traceInfoJson(record) } };
    },
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/traces/metrics',
    versions: [3],
    request: R.QueryTraceMetrics,
    response: W.QueryTraceMetrics,
    access: { read: (req) => ref.experiments(req.experiment_ids) },
    handle: async (req, { services }) => {
      const page = await services.traces.metrics({
        experimentIds: req.experiment_ids,
        view: req.view_type,
        metric: req.metric_name,
        aggregations: req.aggregations.map((a) => ({ type: a.aggregation_type, percentile: a.percentile_value })),
        dimensions: req.dimensions,
        filters: req.filters,
        bucketMs: req.time_interval_seconds !== undefined ? req.time_interval_seconds * 1000 : undefined,
        range: { startMs: req.start_time_ms, endMs: req.end_time_ms },
        limit: req.max_results,
        pageToken: req.page_token,
      });
      return traceMetricsJson(req.metric_name, page);
    },
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/traces/search',
    versions: [3],
    request: R.SearchTracesV3,
    response: W.SearchTracesV3,
    access: { read: (req) => ref.experiments(req.experiment_ids) },
    handle: async (req, { services }) => {
      const { traces, nextPageToken } = await services.traces.searchTraces({
        experimentIds: req.experiment_ids,
        filter: req.filter,
        orderBy: req.order_by,
        limit: req.max_results,
        pageToken: req.page_token,
      });
      return { traces: traces.map(traceInfoJson), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
    },
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/traces/batchGet',
    versions: [3],
    request: R.BatchGetTraces,
    response: W.BatchGetTraces,
    access: { read: (req) => ref.traces(req.trace_ids) },
    handle: async (req, { services }) => {
      const traces = await services.traces.batchGetWithSpans(req.trace_ids);
      return new StreamedJson(
        (async function* () {
          yield '{"traces":[';
          for (const [i, t] of traces.entries()) yield* traceWithSpansJson(t, i ? ',' : '', '');
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
    response: W.BatchGetTraceInfos,
    access: { read: (req) => ref.traces(req.trace_ids) },
    handle: async (req, { services }) => ({ trace_infos: (await services.traces.batchGetInfos(req.trace_ids, req.experiment_ids)).map(traceInfoJson) }),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/traces/delete-traces',
    versions: [2, 3],
    request: R.DeleteTraces,
    response: W.DeleteTraces,
    access: { manage: (req) => ref.experiment(req.experiment_id) },
    // One event per call, on the experiment: the criteria (ids, or a time bound) and how many went.
    audit: (req, reply) => ({
      action: 'traces.delete',
      resourceType: 'experiment',
      resourceId: req.experiment_id,
      detail: {
        ...(req.max_timestamp_millis !== undefined
          ? { max_timestamp_millis: req.max_timestamp_millis, max_traces: req.max_traces }
          : { request_ids: req.request_ids }),
        traces_deleted: reply.traces_deleted,
      },
    }),
    handle: async (req, { services }) => ({
      traces_deleted: await services.traces.deleteTraces(
        req.experiment_id,
        req.max_timestamp_millis !== undefined ? { maxTimestampMs: req.max_timestamp_millis, maxTraces: req.max_traces } : { traceIds: req.request_ids },
      ),
    }),
  }),
  // The Python client always uses the v2 tag routes (`request_id`); the v3 ones take `trace_id`.
  rpc({
    method: 'PATCH',
    path: '/mlflow/traces/:request_id/tags',
    versions: [2],
    request: R.SetTraceTag,
    response: W.Empty,
    access: { edit: (req) => ref.trace(req.trace_id) },
    handle: (req, { services }) => services.traces.setTag(req.trace_id, req.key, req.value),
  }),
  rpc({
    method: 'DELETE',
    path: '/mlflow/traces/:request_id/tags',
    versions: [2],
    request: R.DeleteTraceTag,
    response: W.Empty,
    access: { edit: (req) => ref.trace(req.trace_id) },
    handle: (req, { services }) => services.traces.deleteTag(req.trace_id, req.key),
  }),
  rpc({
    method: 'PATCH',
    path: '/mlflow/traces/:trace_id/tags',
    versions: [3],
    request: R.SetTraceTag,
    response: W.Empty,
    access: { edit: (req) => ref.trace(req.trace_id) },
    handle: (req, { services }) => services.traces.setTag(req.trace_id, req.key, req.value),
  }),
  rpc({
    method: 'DELETE',
    path: '/mlflow/traces/:trace_id/tags',
    versions: [3],
    request: R.DeleteTraceTag,
    response: W.Empty,
    access: { edit: (req) => ref.trace(req.trace_id) },
    handle: (req, { services }) => services.traces.deleteTag(req.trace_id, req.key),
  }),
  // Declared before `/traces/:trace_id`, so the literal route wins.
  rpc({
    method: 'GET',
    path: '/mlflow/traces/get',
    versions: [3],
    request: R.GetTrace,
    response: W.GetTrace,
    access: { read: (req) => ref.trace(req.trace_id) },
    handle: async (req, { services }) => {
      const trace = await services.traces.getTraceWithSpans(req.trace_id, req.allow_partial);
      return new StreamedJson(
        (async function* () {
          yield* traceWithSpansJson(trace, '{"trace":', '}');
        })(),
      );
    },
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/traces/:trace_id',
    versions: [3],
    request: R.GetTraceInfoV3,
    response: W.GetTraceInfoV3,
    access: { read: (req) => ref.trace(req.trace_id) },
    handle: async (req, { services }) => {
      if (RESERVED_TRACE_SEGMENTS.has(req.trace_id)) throw new ApiError('ENDPOINT_NOT_FOUND', `No handler for /traces/${req.trace_id}.`);
      return { trace: { trace_info: traceInfoJson(await services.traces.getTraceInfo(req.trace_id)) } };
    },
  }),
];
