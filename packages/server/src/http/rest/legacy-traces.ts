import { LegacyTraceRequests as L } from '@loupe/protocol';
import { rpc } from '../rpc.js';

/**
 * The legacy v2 trace RPCs still called by clients (spec §4.2). They live under `/api/2.0` only, so
 * `POST /mlflow/traces` here is StartTrace while the same path under `/api/3.0` is StartTraceV3.
 */
export const legacyTraceRoutes = [
  rpc({ method: 'POST', path: '/mlflow/traces', versions: [2], request: L.StartTrace, handle: (req, { services }) => services.legacyTraces.startTrace(req) }),
  rpc({
    method: 'GET',
    path: '/mlflow/traces',
    versions: [2],
    request: L.SearchTraces,
    handle: (req, { services }) => services.legacyTraces.searchTraces(req),
  }),
  // Literal siblings of `/traces/:request_id` are POST-only, so no GET/PATCH path variable shadows them.
  rpc({
    method: 'POST',
    path: '/mlflow/traces/link-to-run',
    versions: [2],
    request: L.LinkTracesToRun,
    handle: (req, { services }) => services.traceLinks.linkTracesToRun(req),
  }),
  rpc({
    method: 'POST',
    path: '/mlflow/traces/link-prompts',
    versions: [2],
    request: L.LinkPromptsToTrace,
    handle: (req, { services }) => services.traceLinks.linkPromptsToTrace(req),
  }),
  rpc({
    method: 'PATCH',
    path: '/mlflow/traces/:request_id',
    versions: [2],
    request: L.EndTrace,
    handle: (req, { services }) => services.legacyTraces.endTrace(req),
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/traces/:request_id/info',
    versions: [2],
    request: L.GetTraceInfo,
    handle: (req, { services }) => services.legacyTraces.getTraceInfo(req.request_id),
  }),
];
