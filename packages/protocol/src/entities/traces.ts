import { z } from 'zod';
import { AssessmentJson } from './assessments.js';

/**
 * Trace entities as they travel on the wire (spec §4.1). An entity given as a `...Json` zod schema is
 * the shape response schemas check replies against; its type is inferred from it.
 */

/** Trace states (spec §4.1). */
export const TRACE_STATES = ['STATE_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'] as const;
/** One trace state. */
export type TraceState = (typeof TRACE_STATES)[number];

/** Where a trace lives; OSS uses MLflow experiments. */
export const TraceLocationJson = z.strictObject({
  type: z.enum(['MLFLOW_EXPERIMENT', 'INFERENCE_TABLE', 'TRACE_LOCATION_TYPE_UNSPECIFIED']),
  mlflow_experiment: z.strictObject({ experiment_id: z.string() }).optional(),
});
/** Where a trace lives; OSS uses MLflow experiments. */
export type TraceLocation = z.infer<typeof TraceLocationJson>;

/** TraceInfoV3 as exchanged (spec §4.1): protobuf Timestamp and Duration as strings. */
export const TraceInfoV3Json = z.strictObject({
  trace_id: z.string(),
  client_request_id: z.string().optional(),
  trace_location: TraceLocationJson,
  request_preview: z.string().optional(),
  response_preview: z.string().optional(),
  request_time: z.string(),
  execution_duration: z.string().optional(),
  state: z.enum(TRACE_STATES),
  trace_metadata: z.record(z.string(), z.string()),
  tags: z.record(z.string(), z.string()),
  assessments: z.array(AssessmentJson).optional(),
});
/**
 * TraceInfoV3 as exchanged (spec §4.1): protobuf Timestamp and Duration as strings.
 *
 * @example
 * const info: TraceInfoV3 = { trace_id: 'tr-…', trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
 *   request_time: '2025-06-15T14:07:41.282Z', execution_duration: '0.532s', state: 'OK', trace_metadata: {}, tags: {} };
 */
export type TraceInfoV3 = z.infer<typeof TraceInfoV3Json>;

/**
 * A span as MLflow's trace reads return it: OTel proto JSON (spec §4.6a), spliced from stored text, so
 * checked loosely: its ids and name, whatever else it carries.
 */
export const SpanJson = z.looseObject({ trace_id: z.string(), span_id: z.string(), name: z.string() });

/** Legacy (v2) trace statuses; `TRACE_STATUS_UNSPECIFIED` is v3's `STATE_UNSPECIFIED`. */
export const TRACE_STATUSES = ['TRACE_STATUS_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'] as const;
/** One legacy trace status. */
export type TraceStatus = (typeof TRACE_STATUSES)[number];

/** Legacy TraceInfo (v2) as exchanged (spec §4.1): epoch milliseconds, `{key, value}` lists (omitted when empty). */
export const TraceInfoV2Json = z.strictObject({
  request_id: z.string(),
  experiment_id: z.string(),
  timestamp_ms: z.number().int(),
  execution_time_ms: z.number().int(),
  status: z.enum(TRACE_STATUSES),
  request_metadata: z.array(z.strictObject({ key: z.string(), value: z.string() })).optional(),
  tags: z.array(z.strictObject({ key: z.string(), value: z.string() })).optional(),
});
/**
 * Legacy TraceInfo (v2) as exchanged (spec §4.1): epoch milliseconds, `{key, value}` lists.
 *
 * @example
 * const info: TraceInfoV2 = { request_id: 'tr-…', experiment_id: '1', timestamp_ms: 1700000000000, execution_time_ms: 12,
 *   status: 'OK', request_metadata: [], tags: [{ key: 'mlflow.traceName', value: 'predict' }] };
 */
export type TraceInfoV2 = z.infer<typeof TraceInfoV2Json>;

/** A span in the compact form of Loupe's huge-trace API (`view=SUMMARY`): ids as hex, times in epoch microseconds. */
export const SpanSummaryJson = z.strictObject({
  span_id: z.string(),
  parent_span_id: z.string().optional(),
  name: z.string(),
  type: z.string(),
  status: z.string(),
  start_time_us: z.number().int(),
  end_time_us: z.number().int().optional(),
  child_count: z.number().int(),
});
/**
 * A span in the compact form of Loupe's huge-trace API (`GET /api/3.0/loupe/traces/{id}/spans?view=SUMMARY`):
 * ids as hex, times in epoch microseconds, and how many children the span has.
 *
 * @example
 * const s: SpanSummary = { span_id: '8b2f0c1d2e3f4a5b', name: 'agent', type: 'AGENT', status: 'OK', start_time_us: 1700000000000000, child_count: 12 };
 */
export type SpanSummary = z.infer<typeof SpanSummaryJson>;

/** One answer of the huge-trace API: a page of spans (full OTel proto JSON spans or summaries). */
export interface SpanPageResponse<S = SpanSummary> {
  spans?: S[];
  next_page_token?: string;
  /** How many spans the trace holds in all. */
  trace_span_count: number;
}

/** A window of one span's children (of the roots when `parent_span_id` is absent), with tokens to read on before and after it. */
export interface SpanWindow {
  parent_span_id?: string;
  /** Absent when empty (proto JSON). */
  spans?: SpanSummary[];
  /** Reads the page just before the window (absent: the window starts with the first child). */
  prev_page_token?: string;
  /** Reads the page after the window (absent: the window ends with the last child). */
  next_page_token?: string;
}

/** The answer of `GET /api/3.0/loupe/traces/{id}/spans/around`: the roots' window first, then one per span on the way down. */
export interface SpansAroundResponse {
  levels: SpanWindow[];
  trace_span_count: number;
}
