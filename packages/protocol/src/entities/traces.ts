import { TraceTagKey } from '../attributes/mlflow-keys.js';
import type { Assessment } from './assessments.js';

/** Trace states (spec §4.1). */
export const TRACE_STATES = ['STATE_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'] as const;
/** One trace state. */
export type TraceState = (typeof TRACE_STATES)[number];

/** Where a trace lives; OSS uses MLflow experiments. */
export interface TraceLocation {
  type: 'MLFLOW_EXPERIMENT' | 'INFERENCE_TABLE' | 'TRACE_LOCATION_TYPE_UNSPECIFIED';
  mlflow_experiment?: { experiment_id: string };
}

/**
 * TraceInfoV3 as exchanged (spec §4.1): protobuf Timestamp and Duration as strings.
 *
 * @example
 * const info: TraceInfoV3 = { trace_id: 'tr-…', trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
 *   request_time: '2025-06-15T14:07:41.282Z', execution_duration: '0.532s', state: 'OK', trace_metadata: {}, tags: {} };
 */
export interface TraceInfoV3 {
  trace_id: string;
  client_request_id?: string;
  trace_location: TraceLocation;
  request_preview?: string;
  response_preview?: string;
  request_time: string;
  execution_duration?: string;
  state: TraceState;
  trace_metadata: Record<string, string>;
  tags: Record<string, string>;
  assessments?: Assessment[];
}

/**
 * Server-added trace tags (spec §4.3), by the names the server's code uses.
 *
 * @deprecated Use {@link TraceTagKey}, where these keys are defined.
 */
export const TRACE_TAGS = {
  artifactLocation: TraceTagKey.ARTIFACT_LOCATION,
  spansLocation: TraceTagKey.SPANS_LOCATION,
  traceName: TraceTagKey.TRACE_NAME,
  linkedPrompts: TraceTagKey.LINKED_PROMPTS,
} as const;

/** Legacy (v2) trace statuses; `TRACE_STATUS_UNSPECIFIED` is v3's `STATE_UNSPECIFIED`. */
export const TRACE_STATUSES = ['TRACE_STATUS_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'] as const;
/** One legacy trace status. */
export type TraceStatus = (typeof TRACE_STATUSES)[number];

/**
 * Legacy TraceInfo (v2) as exchanged (spec §4.1): epoch milliseconds, `{key, value}` lists.
 *
 * @example
 * const info: TraceInfoV2 = { request_id: 'tr-…', experiment_id: '1', timestamp_ms: 1700000000000, execution_time_ms: 12,
 *   status: 'OK', request_metadata: [], tags: [{ key: 'mlflow.traceName', value: 'predict' }] };
 */
export interface TraceInfoV2 {
  request_id: string;
  experiment_id: string;
  timestamp_ms: number;
  execution_time_ms: number;
  status: TraceStatus;
  request_metadata: { key: string; value: string }[];
  tags: { key: string; value: string }[];
}

/**
 * A span in the compact form of Loupe's huge-trace API (`GET /api/3.0/loupe/traces/{id}/spans?view=SUMMARY`):
 * ids as hex, times in epoch microseconds, and how many children the span has.
 *
 * @example
 * const s: SpanSummary = { span_id: '8b2f0c1d2e3f4a5b', name: 'agent', type: 'AGENT', status: 'OK', start_time_us: 1700000000000000, child_count: 12 };
 */
export interface SpanSummary {
  span_id: string;
  parent_span_id?: string;
  name: string;
  type: string;
  status: string;
  start_time_us: number;
  end_time_us?: number;
  child_count: number;
}

/** One answer of the huge-trace API: a page of spans (full OTel proto JSON spans or summaries). */
export interface SpanPageResponse<S = SpanSummary> {
  spans?: S[];
  next_page_token?: string;
  /** How many spans the trace holds in all. */
  trace_span_count: number;
}
