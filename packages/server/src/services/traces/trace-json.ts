import { ApiError } from '@loupe/protocol';
import type { IngestSpan, OtlpSpanKind, OtlpStatusCode } from '../../ingest/ingest-span.js';

/**
 * The `traces.json` artifact (spec §4.6b): `{"spans": [...]}` in one of three span dialects, read into
 * the ingest pipeline's spans, and written back (for the UI's `get-trace-artifact`) from stored
 * OTel proto JSON spans.
 */

type Dict = Record<string, unknown>;

/** Keys whose integer values are nanosecond times; 16+ digit values are kept as text so none loses precision. */
const TIME_KEYS = 'start_time_unix_nano|end_time_unix_nano|time_unix_nano|start_time|end_time|timestamp';
const BIG_TIME_IN = new RegExp(`"(${TIME_KEYS})"(\\s*):(\\s*)(-?\\d{16,})(?=\\s*[,}\\]])`, 'g');

/**
 * JSON.parse with nanosecond times (16+ digit integers under the time keys) kept exact, as strings.
 *
 * @example
 * parseExact('{"start_time_unix_nano": 1749996461282000123}'); // { start_time_unix_nano: '1749996461282000123' }
 */
export function parseExact(text: string): unknown {
  // Inside a JSON string a quote is escaped, so `"key":` can only match real keys.
  return JSON.parse(text.replace(BIG_TIME_IN, '"$1"$2:$3"$4"'));
}

/** True for a JSON object (not an array or null). */
export function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(i: number, field: string, detail: string): ApiError {
  return ApiError.invalid(`Invalid traces.json: spans[${i}].${field} ${detail}.`);
}

/** An id as lowercase hex: hex (optionally `0x`-prefixed, or a `tr-` trace id) or base64 of the raw bytes. */
function idHex(value: unknown, bytes: number, i: number, field: string): string {
  if (typeof value !== 'string' || value === '') throw bad(i, field, 'is missing');
  const hex = value.replace(/^(?:0x|tr-)/i, '');
  if (hex.length === bytes * 2 && /^[0-9a-f]+$/i.test(hex)) return hex.toLowerCase();
  const raw = Buffer.from(value, 'base64');
  if (raw.length === bytes && /^[A-Za-z0-9+/]+={0,2}$/.test(value)) return raw.toString('hex');
  throw bad(i, field, `('${value.slice(0, 60)}') is not a ${bytes}-byte id in hex or base64`);
}

function optionalIdHex(value: unknown, i: number, field: string): string | null {
  return value === null || value === undefined || value === '' ? null : idHex(value, 8, i, field);
}

/** A nanosecond time (number or decimal text) as exact decimal text; absent is `'0'` (a span still open). */
function nanos(value: unknown, i: number, field: string): string {
  if (value === null || value === undefined) return '0';
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value).toString();
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  throw bad(i, field, 'is not a non-negative integer of nanoseconds');
}

function statusCode(value: unknown): OtlpStatusCode {
  const name = String(value ?? '')
    .toUpperCase()
    .replace(/^STATUS_CODE_|^STATUSCODE\./, '');
  if (name === 'OK' || name === '1') return 'STATUS_CODE_OK';
  if (name === 'ERROR' || name === '2') return 'STATUS_CODE_ERROR';
  return 'STATUS_CODE_UNSET';
}

/**
 * An OTel `AnyValue` in proto JSON (snake or camel case) as a plain value.
 *
 * @example
 * anyValue({ string_value: '"CHAIN"' }); // '"CHAIN"'
 */
export function anyValue(v: unknown): unknown {
  if (!isDict(v)) return v;
  for (const [k, x] of Object.entries(v)) {
    if (k === 'string_value' || k === 'stringValue' || k === 'bool_value' || k === 'boolValue' || k === 'double_value' || k === 'doubleValue') return x;
    if (k === 'int_value' || k === 'intValue') return Number(x);
    if (k === 'array_value' || k === 'arrayValue') return (((isDict(x) ? x.values : undefined) as unknown[] | undefined) ?? []).map(anyValue);
    if (k === 'kvlist_value' || k === 'kvlistValue') return attributes((isDict(x) ? x.values : undefined) ?? []);
  }
  return v;
}

/** Attributes as a map (MLflow's dicts) or an OTel `[{key, value}]` list. */
function attributes(v: unknown): Record<string, unknown> {
  if (Array.isArray(v)) return Object.fromEntries(v.filter(isDict).map((kv) => [String(kv.key), anyValue(kv.value)]));
  return isDict(v) ? { ...v } : {};
}

function kind(v: unknown): OtlpSpanKind {
  const name = typeof v === 'string' ? v.toUpperCase().replace(/^SPANKIND\.|^SPAN_KIND_/, '') : '';
  return ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'].includes(name) ? (`SPAN_KIND_${name}` as OtlpSpanKind) : 'SPAN_KIND_INTERNAL';
}

/** One span dict of any dialect as a normalized span (traces.json has no links, resource or scope). */
function toIngestSpan(s: unknown, i: number): IngestSpan {
  if (!isDict(s)) throw bad(i, '', 'is not an object');
  const legacy = isDict(s.context);
  const context = (legacy ? s.context : s) as Dict;
  const events = Array.isArray(s.events) ? s.events : [];
  const status = isDict(s.status) ? s.status : {};
  return {
    // The current Python writer names the MLflow id `trace_id` and the OTel one `otel_trace_id`.
    traceId: idHex(legacy ? context.trace_id : (s.otel_trace_id ?? s.trace_id), 16, i, legacy ? 'context.trace_id' : 'trace_id'),
    spanId: idHex(context.span_id, 8, i, legacy ? 'context.span_id' : 'span_id'),
    parentSpanId: optionalIdHex(legacy ? s.parent_id : s.parent_span_id, i, legacy ? 'parent_id' : 'parent_span_id'),
    name: typeof s.name === 'string' ? s.name : '',
    kind: kind(s.kind),
    startTimeUnixNano: nanos(legacy ? s.start_time : s.start_time_unix_nano, i, legacy ? 'start_time' : 'start_time_unix_nano'),
    endTimeUnixNano: nanos(legacy ? s.end_time : s.end_time_unix_nano, i, legacy ? 'end_time' : 'end_time_unix_nano'),
    attributes: attributes(s.attributes),
    events: events.filter(isDict).map((e, j) => ({
      name: typeof e.name === 'string' ? e.name : '',
      timeUnixNano: nanos(e.time_unix_nano ?? e.timestamp, i, `events[${j}].time_unix_nano`),
      attributes: attributes(e.attributes),
    })),
    status: legacy
      ? { code: statusCode(s.status_code), message: typeof s.status_message === 'string' ? s.status_message : '' }
      : { code: statusCode(status.code), message: typeof status.message === 'string' ? status.message : '' },
    links: [],
    traceState: '',
    resourceAttributes: {},
    scope: { name: '', version: '' },
  };
}

/**
 * Reads a `traces.json` document (`{"spans": [...]}`) in any of the three span dialects of spec §4.6b:
 * the current Python writer (hex ids, `otel_trace_id`), the TypeScript SDK and older Python (base64
 * ids, `STATUS_CODE_*`), and MLflow 2.x (`context`, `parent_id`, `start_time`, `status_code`).
 * Nanosecond times stay exact. A malformed document is a 400 naming the span and field.
 *
 * @example
 * parseTraceJson('{"spans":[{"context":{"trace_id":"0x…","span_id":"0x…"},"parent_id":null,"name":"root",...}]}');
 */
export function parseTraceJson(text: string): IngestSpan[] {
  let doc: unknown;
  try {
    doc = parseExact(text);
  } catch (err) {
    throw ApiError.invalid(`Invalid traces.json: not JSON (${(err as Error).message}).`);
  }
  if (!isDict(doc) || !Array.isArray(doc.spans)) throw ApiError.invalid("Invalid traces.json: expected an object with a 'spans' list.");
  return doc.spans.map(toIngestSpan);
}
