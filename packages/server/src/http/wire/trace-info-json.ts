import { msToDuration, msToTimestamp, TraceMetadataKey, type TraceInfoV2, type TraceInfoV3 } from '@loupe/protocol';
import { llmCostJson, tokenUsageJson } from '../../ingest/span-usage.js';
import type { TraceRecord } from '../../store/trace-store.js';
import { assessmentJson } from './assessment-json.js';

/** A trace's metadata with the totals summed from its spans added as MLflow's server reports them, unless the client wrote its own. */
function reportedMetadata(r: TraceRecord): Record<string, string> {
  let metadata = r.metadata;
  if (r.usage && metadata[TraceMetadataKey.TOKEN_USAGE] === undefined) metadata = { ...metadata, [TraceMetadataKey.TOKEN_USAGE]: tokenUsageJson(r.usage) };
  if (r.cost && metadata[TraceMetadataKey.COST] === undefined) metadata = { ...metadata, [TraceMetadataKey.COST]: llmCostJson(r.cost) };
  return metadata;
}

/**
 * A stored trace as TraceInfoV3 (spec §4.1): Timestamp and Duration strings, its assessments embedded.
 *
 * @example
 * traceInfoJson(record).request_time; // '2025-06-15T14:07:41.282Z'
 */
export function traceInfoJson(r: TraceRecord): TraceInfoV3 {
  const info: TraceInfoV3 = {
    trace_id: r.traceId,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: r.experimentId } },
    request_time: msToTimestamp(r.requestTimeMs),
    state: r.state,
    trace_metadata: reportedMetadata(r),
    tags: r.tags,
  };
  if (r.clientRequestId !== undefined) info.client_request_id = r.clientRequestId;
  if (r.requestPreview !== undefined) info.request_preview = r.requestPreview;
  if (r.responsePreview !== undefined) info.response_preview = r.responsePreview;
  if (r.executionDurationMs !== undefined) info.execution_duration = msToDuration(r.executionDurationMs);
  if (r.assessments && r.assessments.length > 0) info.assessments = r.assessments.map(assessmentJson);
  return info;
}

/**
 * A stored trace as the legacy v2 TraceInfo (spec §4.1): epoch milliseconds, `STATE_UNSPECIFIED` as
 * `TRACE_STATUS_UNSPECIFIED`, an unknown duration as 0 (as MLflow writes it), `{key, value}` lists.
 *
 * @example
 * traceInfoV2Json(record).timestamp_ms; // 1749996461282
 */
export function traceInfoV2Json(r: TraceRecord): TraceInfoV2 {
  return {
    request_id: r.traceId,
    experiment_id: r.experimentId,
    timestamp_ms: r.requestTimeMs,
    execution_time_ms: r.executionDurationMs ?? 0,
    status: r.state === 'STATE_UNSPECIFIED' ? 'TRACE_STATUS_UNSPECIFIED' : r.state,
    request_metadata: Object.entries(reportedMetadata(r)).map(([key, value]) => ({ key, value })),
    tags: Object.entries(r.tags).map(([key, value]) => ({ key, value })),
  };
}
