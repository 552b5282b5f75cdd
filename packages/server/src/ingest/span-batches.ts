import { SpanAttributeKey, TraceMetadataKey, TraceTagKey, TRACE_ID_PREFIX } from '@loupe/protocol';
import type { RootSpanSummary, SpanBatch, SpanRecord, TraceState } from '../store/trace-store.js';
import type { PriceCatalog } from '@loupe/protocol/pricing';
import type { IngestSpan } from './ingest-span.js';
import { withMlflowAttributes } from './semconv.js';
import { withLlmCost } from './span-cost.js';
import { llmCostOf, tokenUsageOf } from './span-usage.js';

/**
 * A {@link SpanBatch} before it is placed in an experiment: what decoding yields (the OTLP experiment
 * comes from a request header, and TraceService checks it before adding it).
 *
 * @example
 * const batch: SpanBatch = { ...decoded, experimentId: '1' };
 */
export type DecodedSpanBatch = Omit<SpanBatch, 'experimentId'>;

const PREVIEW_LENGTH = 1000;
/** Characters a JSON text can start with (after optional whitespace). */
const JSON_START = /^\s*[{["\d-]|^\s*(?:true|false|null)\s*$/;
const TRACE_TAG_PREFIX = SpanAttributeKey.TRACE_TAG_PREFIX;
/** OpenTelemetry semantic-convention attributes that become trace metadata (spec §4.7). */
const METADATA_FROM_ATTRIBUTES: Record<string, string> = {
  'session.id': TraceMetadataKey.SESSION,
  'user.id': TraceMetadataKey.USER,
  [TraceMetadataKey.SESSION]: TraceMetadataKey.SESSION,
  [TraceMetadataKey.USER]: TraceMetadataKey.USER,
  // OpenTelemetry GenAI semantic conventions: a conversation is a session.
  'gen_ai.conversation.id': TraceMetadataKey.SESSION,
};

/**
 * MLflow's own attributes arrive JSON-encoded from the Python SDK (`"\"LLM\""`) and decoded from the
 * TypeScript SDK (`"LLM"`); this returns the decoded value either way.
 *
 * @example
 * decodeMlflowValue('"LLM"'); // 'LLM'
 */
export function decodeMlflowValue(value: unknown): unknown {
  // A failed JSON.parse throws, and a throw costs microseconds: only try text that can be JSON.
  if (typeof value !== 'string' || !JSON_START.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/**
 * An attribute as text (previews, trace tags and metadata): the decoded string, or the value as JSON. A
 * value too deeply nested for `JSON.stringify` (a hostile `[[[...]]]` 100,000 deep) keeps its text as sent.
 */
function textOf(raw: unknown): string {
  const value = decodeMlflowValue(raw);
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return typeof raw === 'string' ? raw : String(raw);
  }
}

/** Nanosecond decimal string to epoch microseconds (exact up to the microsecond). */
function nanosToMicros(nanos: string): number {
  return nanos.length > 3 ? Number(nanos.slice(0, -3)) : 0;
}

function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/** One attribute in OTel proto JSON, with MLflow's JSON-encoded string values (spec §4.5, §4.6a). */
function protoAttribute(key: string, value: unknown) {
  return { key, value: { string_value: JSON.stringify(value) } };
}

/**
 * An attribute value as MLflow stores it: JSON text. A string that already is JSON (the Python SDK
 * encodes its own attributes) is kept as it came, without a decode and re-encode; anything else is
 * encoded.
 *
 * @example
 * encodedAttribute('"LLM"'); // '"LLM"'
 * encodedAttribute('LLM'); // '"LLM"'
 */
export function encodedAttribute(value: unknown): string {
  // A string that decodes to something else was JSON text already (a decoded JSON string is never
  // equal to its quoted text).
  return typeof value === 'string' && decodeMlflowValue(value) !== value ? value : JSON.stringify(value);
}

/**
 * The span as OTel proto JSON text (spec §4.6a), stored once and served as is. Times are written as
 * raw integer literals so nanoseconds survive exactly (JSON numbers; no JS number ever holds them).
 *
 * @example
 * spanContent(span); // '{"trace_id":"q83v...","span_id":...,"start_time_unix_nano":1700000000000000123,...}'
 */
export function spanContent(span: IngestSpan): string {
  const head = JSON.stringify({
    trace_id: hexToBase64(span.traceId),
    span_id: hexToBase64(span.spanId),
    parent_span_id: span.parentSpanId ? hexToBase64(span.parentSpanId) : '',
    trace_state: span.traceState,
    name: span.name,
    kind: span.kind,
  });
  const tail = JSON.stringify({
    attributes: Object.entries(span.attributes).map(([key, v]) => ({ key, value: { string_value: encodedAttribute(v) } })),
    events: span.events.map((e) => ({
      name: e.name,
      attributes: Object.entries(e.attributes).map(([k, v]) => protoAttribute(k, v)),
      time_unix_nano: rawInteger(e.timeUnixNano),
    })),
    status: { code: span.status.code, message: span.status.message },
  }).replace(/"\\u0000RAW:(\d+)"/g, '$1');
  return `${head.slice(0, -1)},"start_time_unix_nano":${BigInt(span.startTimeUnixNano)},"end_time_unix_nano":${BigInt(span.endTimeUnixNano)},${tail.slice(1)}`;
}

/** Marks a decimal string to be written as a raw JSON integer by {@link spanContent}. */
function rawInteger(decimal: string): string {
  return `\u0000RAW:${BigInt(decimal)}`;
}

/**
 * A decoded span as a store row.
 *
 * @example
 * toSpanRecord(span).type; // 'LLM'
 */
export function toSpanRecord(span: IngestSpan): SpanRecord {
  const a = span.attributes;
  const type = decodeMlflowValue(a[SpanAttributeKey.SPAN_TYPE]);
  const end = nanosToMicros(span.endTimeUnixNano);
  const record: SpanRecord = {
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    type: typeof type === 'string' && type !== '' ? type : 'UNKNOWN',
    status: span.status.code.replace('STATUS_CODE_', ''),
    startTimeUs: nanosToMicros(span.startTimeUnixNano),
    endTimeUs: end > 0 ? end : null,
    content: spanContent(span),
  };
  // Most spans carry none of these: one lookup each, no parsing.
  if (a[SpanAttributeKey.TOKEN_USAGE] !== undefined) {
    const usage = tokenUsageOf(a[SpanAttributeKey.TOKEN_USAGE]);
    if (usage) record.usage = usage;
  }
  if (a[SpanAttributeKey.LLM_COST] !== undefined) {
    const cost = llmCostOf(a[SpanAttributeKey.LLM_COST]);
    if (cost) record.cost = cost;
  }
  const model = a[SpanAttributeKey.LLM_MODEL] === undefined ? undefined : decodeMlflowValue(a[SpanAttributeKey.LLM_MODEL]);
  if (typeof model === 'string' && model !== '') record.modelName = model;
  const provider = a[SpanAttributeKey.LLM_PROVIDER] === undefined ? undefined : decodeMlflowValue(a[SpanAttributeKey.LLM_PROVIDER]);
  if (typeof provider === 'string' && provider !== '') record.modelProvider = provider;
  return record;
}

/**
 * What a root span says about its trace.
 *
 * @example
 * rootSummary(root).executionDurationMs; // 1532
 */
export function rootSummary(span: IngestSpan): RootSpanSummary {
  const state: TraceState = span.status.code === 'STATUS_CODE_ERROR' ? 'ERROR' : 'OK';
  const durationUs = nanosToMicros(span.endTimeUnixNano) - nanosToMicros(span.startTimeUnixNano);
  const summary: RootSpanSummary = { spanId: span.spanId, name: span.name, state, executionDurationMs: Math.max(0, Math.round(durationUs / 1000)) };
  const inputs = span.attributes[SpanAttributeKey.INPUTS];
  const outputs = span.attributes[SpanAttributeKey.OUTPUTS];
  if (inputs !== undefined) summary.requestPreview = textOf(inputs).slice(0, PREVIEW_LENGTH);
  if (outputs !== undefined) summary.responsePreview = textOf(outputs).slice(0, PREVIEW_LENGTH);
  return summary;
}

/**
 * Groups decoded spans by trace into batches: rows, the root summary when the root is present, and the
 * trace tags / metadata the spans carry. Third-party GenAI conventions are mapped first (`semconv.ts`),
 * then spans with a model and token usage but no cost are priced with `pricing` (`span-cost.ts`).
 *
 * @example
 * await store.ingestSpans(toSpanBatches(spans, PriceCatalog.withDefaults()).map((b) => ({ ...b, experimentId: '1' })));
 */
export function toSpanBatches(spans: readonly IngestSpan[], pricing?: PriceCatalog): DecodedSpanBatch[] {
  const byTrace = new Map<string, IngestSpan[]>();
  for (const raw of spans) {
    // Third-party GenAI conventions first, so rows, previews, metadata and prices all see MLflow's attributes.
    const s = withLlmCost(withMlflowAttributes(raw), pricing);
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  return [...byTrace].map(([otelTraceId, list]) => {
    // Spans stored here: readers use /traces/get, and writers that finish later skip traces.json.
    const tags: Record<string, string> = { [TraceTagKey.SPANS_LOCATION]: 'TRACKING_STORE' };
    const metadata: Record<string, string> = {};
    let root: RootSpanSummary | undefined;
    let earliestUs = Infinity;
    for (const s of list) {
      earliestUs = Math.min(earliestUs, nanosToMicros(s.startTimeUnixNano));
      if (s.parentSpanId === null) root = rootSummary(s);
      for (const [key, value] of Object.entries(s.attributes)) {
        if (key.startsWith(TRACE_TAG_PREFIX) && key.length > TRACE_TAG_PREFIX.length) tags[key.slice(TRACE_TAG_PREFIX.length)] = textOf(value);
        const metaKey = METADATA_FROM_ATTRIBUTES[key];
        if (metaKey) metadata[metaKey] = textOf(value);
      }
    }
    return {
      traceId: `${TRACE_ID_PREFIX}${otelTraceId}`,
      spans: list.map(toSpanRecord),
      earliestStartMs: Math.floor(earliestUs / 1000),
      ...(root ? { root } : {}),
      tags,
      metadata,
    };
  });
}
