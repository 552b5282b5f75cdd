import type { Assessment, TraceInfoV3 } from '@loupe/protocol';
import { SpanAttributeKey, TRACE_ID_PREFIX, TraceMetadataKey, TraceTagKey } from '@loupe/protocol/attributes';
import { decodeJson } from '../tracing/json-encoding.js';

/** One span of a trace read back from the server, attributes decoded. */
export interface TraceSpan {
  /** `tr-` + 32 hex. */
  traceId: string;
  /** 16 hex. */
  spanId: string;
  /** 16 hex, or null for a root. */
  parentId: string | null;
  name: string;
  /** `mlflow.spanType` (UNKNOWN when absent). */
  spanType: string;
  status: 'OK' | 'ERROR' | 'UNSET';
  statusMessage: string;
  /** Exact epoch nanoseconds. */
  startTimeNs: bigint;
  endTimeNs: bigint | null;
  /** Epoch milliseconds (rounded), for display and arithmetic. */
  startTimeMs: number;
  durationMs: number | null;
  inputs: unknown;
  outputs: unknown;
  /** Every attribute, JSON values decoded. */
  attributes: Record<string, unknown>;
  events: { name: string; timeNs: bigint; attributes: Record<string, unknown> }[];
}

/** A trace: MLflow's TraceInfoV3 (as the server sends it) and its spans in start order. */
export interface Trace {
  info: TraceInfoV3;
  spans: TraceSpan[];
}

/** A flat view of a trace for tables and data frames (`traceRows(traces)`). */
export interface TraceRow {
  traceId: string;
  name: string | undefined;
  state: string;
  /** Epoch ms. */
  requestTime: number;
  durationMs: number | null;
  request: string | undefined;
  response: string | undefined;
  sessionId: string | undefined;
  userId: string | undefined;
  clientRequestId: string | undefined;
  spanCount: number;
  totalTokens: number | undefined;
  tags: Record<string, string>;
  metadata: Record<string, string>;
  /** Current (valid) assessments by name: feedback or expectation values. */
  assessments: Record<string, unknown>;
}

interface WireValue {
  string_value?: string;
  int_value?: string | number;
  double_value?: number;
  bool_value?: boolean;
  array_value?: { values?: WireValue[] };
  kvlist_value?: { values?: { key: string; value: WireValue }[] };
}
interface WireSpan {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  start_time_unix_nano: string | number;
  end_time_unix_nano?: string | number;
  attributes?: { key: string; value: WireValue }[];
  events?: { name: string; time_unix_nano?: string | number; attributes?: { key: string; value: WireValue }[] }[];
  status?: { code?: string; message?: string };
}

/** The wire form of a trace as `traces/get` and `batchGet` answer it. */
export interface WireTrace {
  trace_info: TraceInfoV3;
  spans?: WireSpan[];
}

function hex(b64: string | undefined): string | null {
  if (!b64) return null;
  // Some producers send hex already.
  if (/^[0-9a-f]{16}$|^[0-9a-f]{32}$/.test(b64)) return b64;
  return Buffer.from(b64, 'base64').toString('hex');
}

function value(v: WireValue): unknown {
  if (v.string_value !== undefined) return decodeJson(v.string_value);
  if (v.int_value !== undefined) return Number(v.int_value);
  if (v.double_value !== undefined) return v.double_value;
  if (v.bool_value !== undefined) return v.bool_value;
  if (v.array_value) return (v.array_value.values ?? []).map(value);
  if (v.kvlist_value) return Object.fromEntries((v.kvlist_value.values ?? []).map((kv) => [kv.key, value(kv.value)]));
  return null;
}

function attributes(list: { key: string; value: WireValue }[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of list ?? []) out[a.key] = value(a.value);
  return out;
}

/**
 * A span in OTel proto JSON (spec §4.6a) as a {@link TraceSpan}.
 *
 * @example
 * const span = parseSpan(wire.spans[0]);
 */
export function parseSpan(s: WireSpan): TraceSpan {
  const attrs = attributes(s.attributes);
  const start = BigInt(s.start_time_unix_nano);
  const end = s.end_time_unix_nano !== undefined && BigInt(s.end_time_unix_nano) > 0n ? BigInt(s.end_time_unix_nano) : null;
  const code = (s.status?.code ?? 'STATUS_CODE_UNSET').replace('STATUS_CODE_', '');
  return {
    traceId: `${TRACE_ID_PREFIX}${hex(s.trace_id) ?? ''}`,
    spanId: hex(s.span_id) ?? '',
    parentId: hex(s.parent_span_id),
    name: s.name,
    spanType: typeof attrs[SpanAttributeKey.SPAN_TYPE] === 'string' ? (attrs[SpanAttributeKey.SPAN_TYPE] as string) : 'UNKNOWN',
    status: code === 'OK' || code === 'ERROR' ? code : 'UNSET',
    statusMessage: s.status?.message ?? '',
    startTimeNs: start,
    endTimeNs: end,
    startTimeMs: Number(start / 1_000_000n),
    durationMs: end === null ? null : Number(end - start) / 1e6,
    inputs: attrs[SpanAttributeKey.INPUTS],
    outputs: attrs[SpanAttributeKey.OUTPUTS],
    attributes: attrs,
    events: (s.events ?? []).map((e) => ({ name: e.name, timeNs: BigInt(e.time_unix_nano ?? 0), attributes: attributes(e.attributes) })),
  };
}

/**
 * A wire trace as a {@link Trace}, spans in start order.
 *
 * @example
 * const trace = parseTrace((await rest.get('/api/3.0/mlflow/traces/get', { trace_id })).trace);
 */
export function parseTrace(wire: WireTrace): Trace {
  const spans = (wire.spans ?? []).map(parseSpan);
  // A child can start in the same (clock-rounded) nanosecond as its parent: depth breaks the tie.
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const depth = new Map<string, number>();
  const depthOf = (s: TraceSpan): number => {
    let d = 0;
    const seen = new Set<string>();
    for (let p = s.parentId; p !== null && byId.has(p) && !seen.has(p); p = byId.get(p)!.parentId) {
      seen.add(p);
      d++;
    }
    return d;
  };
  for (const s of spans) depth.set(s.spanId, depthOf(s));
  spans.sort((a, b) => (a.startTimeNs < b.startTimeNs ? -1 : a.startTimeNs > b.startTimeNs ? 1 : (depth.get(a.spanId) ?? 0) - (depth.get(b.spanId) ?? 0)));
  return { info: wire.trace_info, spans };
}

function durationMs(duration: string | undefined): number | null {
  if (!duration) return null;
  const seconds = Number(duration.replace(/s$/, ''));
  return Number.isFinite(seconds) ? seconds * 1000 : null;
}

function assessmentValue(a: Assessment): unknown {
  if (a.feedback) return a.feedback.value;
  if (a.expectation) return a.expectation.value ?? a.expectation.serialized_value?.value;
  return undefined;
}

/**
 * A trace's current (valid) expectations by name, serialized values decoded: the ground truth an
 * evaluation row or a dataset record takes from a trace (MLflow's `_extract_expectations_from_trace`).
 *
 * @example
 * traceExpectations(trace); // { expected_response: 'Shipped on Monday' }
 */
export function traceExpectations(trace: Trace): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of trace.info.assessments ?? []) {
    if (!a.expectation || a.valid === false) continue;
    const e = a.expectation;
    out[a.assessment_name] = e.value !== undefined ? e.value : e.serialized_value ? decodeJson(e.serialized_value.value) : undefined;
  }
  return out;
}

/**
 * Flat rows for a table: one per trace, with name, state, timing, previews, session, user, tokens
 * and current assessment values.
 *
 * @example
 * console.table(traceRows((await client.searchTraces({ experimentIds: ['1'] })).items));
 */
export function traceRows(traces: readonly (Trace | TraceInfoV3)[]): TraceRow[] {
  return traces.map((t) => {
    const info = 'info' in t ? t.info : t;
    const meta = info.trace_metadata ?? {};
    const usage = meta[TraceMetadataKey.TOKEN_USAGE] ? (decodeJson(meta[TraceMetadataKey.TOKEN_USAGE]) as { total_tokens?: number }) : undefined;
    const current: Record<string, unknown> = {};
    for (const a of info.assessments ?? []) if (a.valid !== false) current[a.assessment_name] = assessmentValue(a);
    return {
      traceId: info.trace_id,
      name: info.tags?.[TraceTagKey.TRACE_NAME],
      state: info.state,
      requestTime: Date.parse(info.request_time),
      durationMs: durationMs(info.execution_duration),
      request: info.request_preview,
      response: info.response_preview,
      sessionId: meta[TraceMetadataKey.SESSION],
      userId: meta[TraceMetadataKey.USER],
      clientRequestId: info.client_request_id,
      spanCount: 'spans' in t ? t.spans.length : 0,
      totalTokens: typeof usage?.total_tokens === 'number' ? usage.total_tokens : undefined,
      tags: info.tags ?? {},
      metadata: meta,
      assessments: current,
    };
  });
}
