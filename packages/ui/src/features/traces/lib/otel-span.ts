/**
 * Spans as the server sends them in full (OTel proto JSON, as `traces/get` and the span-page API's
 * FULL view return them: base64 ids, nanosecond times, attribute values JSON-encoded as MLflow stores
 * them), read into what the span details show.
 */
import { SpanAttributeKey } from '@loupe/protocol';
import { tokenCounts, type TokenCounts } from '../../../shared/lib/format';

/** An OTel `AnyValue` in proto JSON. */
type AnyValue = {
  string_value?: string;
  bool_value?: boolean;
  int_value?: string | number;
  double_value?: number;
  array_value?: { values?: AnyValue[] };
  kvlist_value?: { values?: KeyValue[] };
};
type KeyValue = { key: string; value?: AnyValue };

/** A span of `traces/get` / the FULL span page, as it arrives. */
export interface OtelSpanJson {
  trace_id?: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  kind?: string;
  start_time_unix_nano: number | string;
  end_time_unix_nano?: number | string;
  attributes?: KeyValue[];
  events?: { name: string; time_unix_nano?: number | string; attributes?: KeyValue[] }[];
  status?: { code?: string; message?: string };
}

/** A span event (an exception is one named `exception`). */
export interface SpanEvent {
  name: string;
  timeUs: number;
  attributes: Record<string, unknown>;
}

/** A span ready to show. */
export interface SpanDetail {
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: string;
  type: string;
  status: 'OK' | 'ERROR' | 'UNSET';
  statusMessage: string;
  startUs: number;
  endUs?: number;
  attributes: Record<string, unknown>;
  inputs: unknown;
  outputs: unknown;
  events: SpanEvent[];
  /** From `mlflow.chat.tokenUsage`, completed as the server completes it (total = input + output). */
  tokens?: TokenCounts;
  costUsd?: number;
  model?: string;
}

/**
 * Hex of a base64 id (or the id itself when it is hex already).
 *
 * @example
 * idToHex('AAAAAAAAAAE='); // '0000000000000001'
 */
export function idToHex(id: string | undefined): string | undefined {
  if (!id) return undefined;
  if (/^[0-9a-f]{16}$|^[0-9a-f]{32}$/i.test(id)) return id.toLowerCase();
  const bin = atob(id.replace(/-/g, '+').replace(/_/g, '/'));
  let hex = '';
  for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, '0');
  return hex;
}

function anyValue(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.string_value !== undefined) return v.string_value;
  if (v.bool_value !== undefined) return v.bool_value;
  if (v.int_value !== undefined) return Number(v.int_value);
  if (v.double_value !== undefined) return v.double_value;
  if (v.array_value) return (v.array_value.values ?? []).map(anyValue);
  if (v.kvlist_value) return attributeMap(v.kvlist_value.values);
  return undefined;
}

/**
 * MLflow's attribute values are JSON text; decode them, keeping text that is not JSON as it is.
 *
 * @example
 * decodeAttribute('"LLM"'); // 'LLM'
 * decodeAttribute('{"a":1}'); // { a: 1 }
 * decodeAttribute('plain'); // 'plain'
 */
export function decodeAttribute(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function attributeMap(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = decodeAttribute(anyValue(kv.value));
  return out;
}

const nanosToMicros = (n: number | string | undefined): number | undefined => {
  if (n === undefined || n === null || n === '' || Number(n) === 0) return undefined;
  return Math.round(Number(n) / 1000);
};

function numberOr(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/**
 * Reads one OTel proto JSON span: ids as hex, times in µs, attributes decoded, MLflow's type,
 * inputs, outputs, token usage, cost and model picked out.
 *
 * @example
 * const detail = parseOtelSpan(page.spans[0]);
 * detail.type; // 'CHAT_MODEL'
 */
export function parseOtelSpan(span: OtelSpanJson): SpanDetail {
  const attributes = attributeMap(span.attributes);
  const usage = attributes[SpanAttributeKey.TOKEN_USAGE];
  const cost = attributes[SpanAttributeKey.LLM_COST];
  const code = (span.status?.code ?? '').replace('STATUS_CODE_', '');
  const detail: SpanDetail = {
    spanId: idToHex(span.span_id) ?? '',
    name: span.name,
    kind: (span.kind ?? 'SPAN_KIND_INTERNAL').replace('SPAN_KIND_', ''),
    type: typeof attributes[SpanAttributeKey.SPAN_TYPE] === 'string' ? (attributes[SpanAttributeKey.SPAN_TYPE] as string) : 'UNKNOWN',
    status: code === 'ERROR' ? 'ERROR' : code === 'OK' ? 'OK' : 'UNSET',
    statusMessage: span.status?.message ?? '',
    startUs: nanosToMicros(span.start_time_unix_nano) ?? 0,
    attributes,
    inputs: attributes[SpanAttributeKey.INPUTS],
    outputs: attributes[SpanAttributeKey.OUTPUTS],
    events: (span.events ?? []).map((e) => ({ name: e.name, timeUs: nanosToMicros(e.time_unix_nano) ?? 0, attributes: attributeMap(e.attributes) })),
  };
  const parent = idToHex(span.parent_span_id);
  if (parent) detail.parentSpanId = parent;
  const end = nanosToMicros(span.end_time_unix_nano);
  if (end !== undefined) detail.endUs = end;
  const tokens = tokenCounts(usage);
  if (tokens) detail.tokens = tokens;
  if (cost && typeof cost === 'object') {
    const total = numberOr((cost as Record<string, unknown>).total_cost);
    if (total !== undefined) detail.costUsd = total;
  }
  const model = attributes[SpanAttributeKey.LLM_MODEL] ?? attributes['gen_ai.response.model'] ?? attributes['gen_ai.request.model'];
  if (typeof model === 'string') detail.model = model;
  return detail;
}

/**
 * The exception events of a span, as `{type, message, stacktrace}`.
 *
 * @example
 * spanExceptions(detail)[0]?.message;
 */
export function spanExceptions(detail: SpanDetail): { type: string; message: string; stacktrace: string }[] {
  return detail.events
    .filter((e) => e.name === 'exception')
    .map((e) => ({
      type: String(e.attributes['exception.type'] ?? 'Exception'),
      message: String(e.attributes['exception.message'] ?? ''),
      stacktrace: String(e.attributes['exception.stacktrace'] ?? ''),
    }));
}
