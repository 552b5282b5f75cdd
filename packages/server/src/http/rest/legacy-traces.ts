import { LegacyTraceRequests as L, LegacyTraceResponses as W } from '@loupe/protocol';
import { rpc } from '../rpc.js';
import { traceInfoV2Json } from '../wire/trace-info-json.js';
import { ref } from '../../auth/access.js';

/**
 * The legacy v2 trace RPCs still called by clients (spec §4.2). They live under `/api/2.0` only, so
 * `POST /mlflow/traces` here is StartTrace while the same path under `/api/3.0` is StartTraceV3.
 */
export const legacyTraceRoutes = [
  rpc({
    method: 'POST',
    path: '/mlflow/traces',
    versions: [2],
    request: L.StartTrace,
    response: W.StartTrace,
    access: { edit: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => {
      const record = await services.legacyTraces.startTrace({
        experimentId: req.experiment_id,
        timestampMs: req.timestamp_ms,
        metadata: req.request_metadata,
        tags: req.tags,
      });
      return { trace_info: traceInfoV2Json(record) };
    },
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/traces',
    versions: [2],
    request: L.SearchTraces,
    response: W.SearchTraces,
    access: { read: (req) => ref.experiments(req.experiment_ids) },
    handle: async (req, { services }) => {
      const { traces, nextPageToken } = await services.legacyTraces.searchTraces({
        experimentIds: req.experiment_ids,
        filter: req.filter,
        orderBy: req.order_by,
        limit: req.max_results,
        pageToken: req.page_token,
      });
      return { traces: traces.map(traceInfoV2Json), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
    },
  }),
  // Literal siblings of `/traces/:request_id` are POST-only, so no GET/PATCH path variable shadows them.
  rpc({
    method: 'POST',
    path: '/mlflow/traces/link-to-run',
    versions: [2],
    request: L.LinkTracesToRun,
    response: W.Empty,
    access: { edit: (req) => ref.run(req.run_id), read: (req) => ref.traces(req.trace_ids) },
    handle: (req, { services }) => services.traceLinks.linkTracesToRun(req.trace_ids, req.run_id),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/traces/link-prompts',
    versions: [2],
    request: L.LinkPromptsToTrace,
    response: W.Empty,
    access: { edit: (req) => ref.trace(req.trace_id), read: (req) => req.prompt_versions.map((p) => ref.registeredModel(p.name)) },
    handle: (req, { services }) => services.traceLinks.linkPromptsToTrace(req.trace_id, req.prompt_versions),
  }),
  rpc({
    method: 'PATCH',
    path: '/mlflow/traces/:request_id',
    versions: [2],
    request: L.EndTrace,
    response: W.EndTrace,
    access: { edit: (req) => ref.trace(req.request_id) },
    handle: async (req, { services }) => {
      const record = await services.legacyTraces.endTrace({
        traceId: req.request_id,
        timestampMs: req.timestamp_ms,
        // v2's TRACE_STATUS_UNSPECIFIED is v3's STATE_UNSPECIFIED.
        state: req.status === 'TRACE_STATUS_UNSPECIFIED' ? 'STATE_UNSPECIFIED' : req.status,
        metadata: req.request_metadata,
        tags: req.tags,
      });
      return { trace_info: traceInfoV2Json(record) };
    },
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/traces/:request_id/info',
    versions: [2],
    request: L.GetTraceInfo,
    response: W.GetTraceInfo,
    access: { read: (req) => ref.trace(req.request_id) },
    handle: async (req, { services }) => ({ trace_info: traceInfoV2Json(await services.legacyTraces.getTraceInfo(req.request_id)) }),
  }),
];
