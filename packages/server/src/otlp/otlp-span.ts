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
 * Attribute values decoded from `AnyValue` into plain JSON: int64 becomes a number when it is a
 * safe integer and a decimal string otherwise; bytes become base64; an empty value is `null`.
 *
 * @example
 * const attrs: OtlpAttributes = { 'llm.tokens': 12, big: '9007199254740993', tags: ['a'], kv: { ok: true } };
 */
export type OtlpAttributes = Record<string, unknown>;

/**
 * A span event. `timeUnixNano` is an exact decimal string.
 *
 * @example
 * const event: OtlpSpanEvent = { name: 'retry', timeUnixNano: '1700000000000000001', attributes: {} };
 */
export interface OtlpSpanEvent {
  name: string;
  timeUnixNano: string;
  attributes: OtlpAttributes;
}

/**
 * A link to another span, ids in lowercase hex.
 *
 * @example
 * const link: OtlpSpanLink = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceState: '', attributes: {} };
 */
export interface OtlpSpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: OtlpAttributes;
}

/**
 * One span from an OTLP export request, normalized and JSON-safe whichever encoding it came in:
 * ids in lowercase hex (32 / 16 characters), timestamps as exact decimal nanosecond strings.
 *
 * @example
 * const [root] = decodeOtlpTraces(body, 'application/x-protobuf', 'gzip');
 * root.parentSpanId; // null
 * root.startTimeUnixNano; // '1700000000123456789'
 */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: OtlpSpanKind;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttributes;
  events: OtlpSpanEvent[];
  links: OtlpSpanLink[];
  status: { code: OtlpStatusCode; message: string };
  traceState: string;
  resourceAttributes: OtlpAttributes;
  scope: { name: string; version: string };
}

/**
 * Bounds on one OTLP request, all checked before a span is returned.
 *
 * @example
 * const limits: OtlpDecodeLimits = { ...DEFAULT_OTLP_DECODE_LIMITS, maxSpans: 1000 };
 */
export interface OtlpDecodeLimits {
  /** Largest body after decompression, in bytes. */
  maxDecodedBytes: number;
  /** Most spans in one request. */
  maxSpans: number;
  /** Most attributes in one attribute list (span, event, link, resource or scope). */
  maxAttributes: number;
  /** Deepest nesting of array / key-value-list values inside one attribute value. */
  maxValueDepth: number;
}

/**
 * The limits used when a caller passes none.
 *
 * @example
 * decodeOtlpTraces(body, type, encoding, { ...DEFAULT_OTLP_DECODE_LIMITS, maxDecodedBytes: 1 << 20 });
 */
export const DEFAULT_OTLP_DECODE_LIMITS: Readonly<OtlpDecodeLimits> = Object.freeze({
  maxDecodedBytes: 64 * 1024 * 1024,
  maxSpans: 100_000,
  maxAttributes: 4096,
  maxValueDepth: 32,
});
