/*
 * The ingest pipeline, one data type per stage:
 *   bytes --otlp/decode-otlp--> IngestSpan[] --semconv, span-batches--> DecodedSpanBatch[] --TraceService--> SpanBatch (store)
 * `otlp/` reads OTLP/HTTP bodies (and runs on worker threads, see otlp/otlp-decode-pool.ts); the rest
 * of this folder is pure span normalisation that services may use too (an uploaded traces.json is
 * read into the same IngestSpan). Services never import `otlp/`.
 */

/**
 * OTLP span kinds by their proto enum name (`Span.SpanKind`); the index is the wire number.
 *
 * @example
 * SPAN_KINDS[2]; // 'SPAN_KIND_SERVER'
 */
export const SPAN_KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
] as const;

/**
 * OTLP status codes by their proto enum name (`Status.StatusCode`); the index is the wire number.
 *
 * @example
 * STATUS_CODES[2]; // 'STATUS_CODE_ERROR'
 */
export const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;

/**
 * @example
 * const kind: OtlpSpanKind = 'SPAN_KIND_INTERNAL';
 */
export type OtlpSpanKind = (typeof SPAN_KINDS)[number];

/**
 * @example
 * const code: OtlpStatusCode = 'STATUS_CODE_OK';
 */
export type OtlpStatusCode = (typeof STATUS_CODES)[number];

/**
 * Attribute values as plain JSON. From OTLP `AnyValue`s: int64 becomes a number when it is a safe
 * integer and a decimal string otherwise; bytes become base64; an empty value is `null`.
 *
 * @example
 * const attrs: SpanAttributes = { 'llm.tokens': 12, big: '9007199254740993', tags: ['a'], kv: { ok: true } };
 */
export type SpanAttributes = Record<string, unknown>;

/**
 * A span event. `timeUnixNano` is an exact decimal string.
 *
 * @example
 * const event: IngestSpanEvent = { name: 'retry', timeUnixNano: '1700000000000000001', attributes: {} };
 */
export interface IngestSpanEvent {
  name: string;
  timeUnixNano: string;
  attributes: SpanAttributes;
}

/**
 * A link to another span, ids in lowercase hex.
 *
 * @example
 * const link: IngestSpanLink = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceState: '', attributes: {} };
 */
export interface IngestSpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: SpanAttributes;
}

/**
 * A span as the ingest pipeline carries it, whichever producer sent it (an OTLP export request in
 * protobuf or JSON, or an uploaded `traces.json`): ids in lowercase hex (32 / 16 characters),
 * timestamps as exact decimal nanosecond strings, attribute values as plain JSON. Producers fill
 * what their format lacks with empty values (no links, an empty resource and scope).
 *
 * @example
 * const [root] = decodeOtlpTraces(body, 'application/x-protobuf', 'gzip');
 * root.parentSpanId; // null
 * root.startTimeUnixNano; // '1700000000123456789'
 */
export interface IngestSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: OtlpSpanKind;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: SpanAttributes;
  events: IngestSpanEvent[];
  links: IngestSpanLink[];
  status: { code: OtlpStatusCode; message: string };
  traceState: string;
  resourceAttributes: SpanAttributes;
  scope: { name: string; version: string };
}
